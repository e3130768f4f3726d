// The push connection (WS api/live) with reconnect and exponential backoff. The client sends
// nothing; after a reconnect the app refetches runs and the visible cards, since updates may
// have been missed while it was down.

import type { LiveMessage, LiveTransport } from "../api/client";
import { parseLiveMessage } from "../api/convert";

export type LiveStatus = "connecting" | "open" | "reconnecting" | "stopped";

export interface LiveHandlers {
  onMessage(message: LiveMessage): void;
  /** Called when a connection opens after an earlier one was lost. */
  onReconnect?(): void;
  onStatus?(status: LiveStatus): void;
}

export interface BackoffOptions {
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** Delay before reconnect attempt `attempt` (0-based): doubling from min, capped at max. */
export function backoffDelay(attempt: number, minDelayMs: number, maxDelayMs: number): number {
  return Math.min(maxDelayMs, minDelayMs * Math.pow(2, Math.min(attempt, 30)));
}

export class LiveConnection {
  private readonly open: () => LiveTransport;
  private readonly handlers: LiveHandlers;
  private readonly minDelayMs: number;
  private readonly maxDelayMs: number;
  private transport: LiveTransport | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private everOpened = false;
  private stopped = true;
  private currentStatus: LiveStatus = "stopped";

  constructor(open: () => LiveTransport, handlers: LiveHandlers, options: BackoffOptions = {}) {
    this.open = open;
    this.handlers = handlers;
    this.minDelayMs = options.minDelayMs ?? 500;
    this.maxDelayMs = options.maxDelayMs ?? 30000;
  }

  get status(): LiveStatus {
    return this.currentStatus;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const transport = this.transport;
    this.transport = null;
    if (transport) {
      transport.onclose = null;
      transport.close();
    }
    this.setStatus("stopped");
  }

  private connect(): void {
    this.setStatus(this.everOpened || this.attempt > 0 ? "reconnecting" : "connecting");
    let transport: LiveTransport;
    try {
      transport = this.open();
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.transport = transport;
    transport.onopen = () => {
      const reconnected = this.everOpened;
      this.everOpened = true;
      this.attempt = 0;
      this.setStatus("open");
      if (reconnected) this.handlers.onReconnect?.();
    };
    transport.onmessage = (text) => {
      const message = parseLiveMessage(text);
      if (message) this.handlers.onMessage(message);
    };
    transport.onclose = () => {
      if (this.transport !== transport) return;
      this.transport = null;
      this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.setStatus("reconnecting");
    const delay = backoffDelay(this.attempt, this.minDelayMs, this.maxDelayMs);
    this.attempt++;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.connect();
    }, delay);
  }

  private setStatus(status: LiveStatus): void {
    if (status === this.currentStatus) return;
    this.currentStatus = status;
    this.handlers.onStatus?.(status);
  }
}

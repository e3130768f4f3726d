// Number, step and time formatting for axes and tooltips.

/** TensorBoard's multiscale value format: 4 significant digits, exponent when tiny or huge. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "Inf";
  if (v === -Infinity) return "-Inf";
  const abs = Math.abs(v) < 1e-15 ? 0 : Math.abs(v);
  if (abs >= 1e4 || (abs > 0 && abs < 0.01)) return v.toExponential(3);
  return String(Number(v.toPrecision(4)));
}

const SI = [
  [1e12, "T"],
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
] as const;

/** Steps with an SI suffix: 1200 -> "1.2k", 3000000 -> "3M". */
export function formatStep(v: number): string {
  const abs = Math.abs(v);
  for (const [scale, suffix] of SI) {
    if (abs >= scale) return `${Number((v / scale).toPrecision(3))}${suffix}`;
  }
  return String(Number(v.toPrecision(6)));
}

/** A duration in seconds with its two largest units: "1d 3h", "2h 5m", "4m 10s", "12.5s". */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return String(seconds);
  const sign = seconds < 0 ? "-" : "";
  let s = Math.abs(seconds);
  if (s < 60) return `${sign}${Number(s.toPrecision(3))}s`;
  const units: [number, string][] = [
    [86400, "d"],
    [3600, "h"],
    [60, "m"],
    [1, "s"],
  ];
  const parts: string[] = [];
  for (const [size, name] of units) {
    if (parts.length === 2) break;
    const count = Math.floor(s / size);
    if (count > 0 || parts.length > 0) {
      parts.push(`${count}${name}`);
      s -= count * size;
    }
  }
  return sign + parts.join(" ");
}

/** Local date and time of a unix timestamp in seconds. */
export function formatWallTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`
  );
}

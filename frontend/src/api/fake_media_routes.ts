// A fake server for the Images, Video and Audio page tests. Runs "a" (images, a video and
// audio) and "b" (images); the routes answer docs/http/images.md and docs/http/audio.md.
// Step s of an image tag is at wall time 1000 + s; `steps` and `samples` can be raised to
// simulate new data, `fail` makes the image route answer 404.

import type { Kind, TagsIndex } from "./client";
import { ApiError } from "./client";
import { FakeClient } from "./fake_client";
import type { WireAudioInfo, WireAudioSteps, WireImageInfo, WireImageSteps, WireImageTags } from "./wire_types";

export class MediaFakeClient extends FakeClient {
  /** Steps of every tag. */
  steps = 5;
  /** Images per step of a/solid (TensorFlow writes several). */
  samples = 1;
  /** When set, GET api/images/image answers 404 with this message. */
  fail: string | null = null;
  /** Only the video tag: every image tag holds GIFs. */
  onlyVideos = false;

  constructor() {
    super({
      runs: [
        { name: "a", tags: { loss: 10 }, kinds: ["scalars", "images", "audio"] },
        { name: "b", tags: {}, kinds: ["images"] },
      ],
    });
    this.addRoute("api/images/tags", () => this.imageTags());
    this.addRoute("api/images/steps", (params) => this.listing(params, params.get("tag") === "clip" ? "video" : "image"));
    this.addRoute("api/audio/steps", (params) => this.listing(params, null));
    this.addRoute("api/images/image", (params) => {
      if (this.fail !== null) throw new ApiError(404, this.fail);
      return new Uint8Array([137, 80, 78, 71, Number(params.get("step"))]);
    });
    this.addRoute("api/images/info", (params) => this.imageInfo(params));
    this.addRoute("api/audio/info", (params) => this.audioInfo(params));
    this.addRoute("api/audio/clip", () => new Uint8Array([82, 73, 70, 70]));
  }

  override async tags(kind: Kind): Promise<TagsIndex> {
    if (kind !== "audio") return super.tags(kind);
    const info = { points: this.steps, lastStep: this.steps - 1, displayName: "", description: "" };
    return new Map([["a", new Map([["tone", info]])]]);
  }

  /** Requests for `path` so far (e.g. "api/images/image"); `method` "href": URLs made. */
  asked(path: string, method: "json" | "bytes" | "href" = "json"): URLSearchParams[] {
    return this.requests.filter((r) => r.path === path && r.method === method).map((r) => r.params);
  }

  private imageTags(): WireImageTags {
    const info = (media: "image" | "video"): WireImageTags["tags"][string][string] => ({
      points: this.steps,
      last_step: this.steps - 1,
      display_name: "",
      description: "",
      media,
    });
    if (this.onlyVideos) return { media: null, tags: { a: { clip: info("video") } } };
    return { media: null, tags: { a: { solid: info("image"), clip: info("video") }, b: { solid: info("image") } } };
  }

  private listing(params: URLSearchParams, media: "image" | "video" | null): WireImageSteps | WireAudioSteps {
    const steps = Array.from({ length: this.steps }, (_, s) => s);
    const samples = params.get("run") === "a" && params.get("tag") === "solid" ? this.samples : 1;
    return {
      run: params.get("run") ?? "",
      tag: params.get("tag") ?? "",
      steps,
      wall_times: steps.map((s) => 1000 + s),
      samples: steps.map(() => samples),
      ...(media === null ? {} : { media }),
    };
  }

  private point(params: URLSearchParams): Pick<WireImageInfo, "run" | "tag" | "step" | "index" | "wall_time" | "sample" | "samples"> {
    const step = Number(params.get("step"));
    if (!(step >= 0 && step < this.steps)) throw new ApiError(404, `no step ${step}`);
    const [run, tag] = [params.get("run") ?? "", params.get("tag") ?? ""];
    return { run, tag, step, index: step, wall_time: 1000 + step, sample: Number(params.get("sample") ?? 0), samples: 1 };
  }

  private imageInfo(params: URLSearchParams): WireImageInfo {
    const video = params.get("tag") === "clip";
    return {
      ...this.point(params),
      width: 20,
      height: 16,
      content_type: video ? "image/gif" : "image/png",
      bytes: 100,
      frames: video ? 5 : 1,
      duration_ms: video ? 1250 : null,
    };
  }

  private audioInfo(params: URLSearchParams): WireAudioInfo {
    return {
      ...this.point(params),
      content_type: "audio/wav",
      bytes: 12044,
      sample_rate: 8000,
      channels: 1,
      bits_per_sample: 16,
      frames: 6000,
      duration: 0.75,
    };
  }
}

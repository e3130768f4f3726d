// Converting the media routes' wire shapes, and the image view kept in the URL.

import { describe, expect, it } from "vitest";
import { audioTags, convertAudioInfo, formatChannels } from "../../api/audio";
import { convertListing, convertTags, formatDuration, pointParams } from "../../api/images";
import { imageFilter, paramsOfView, viewFromParams } from "./controls";

describe("media wire conversion", () => {
  it("turns a step listing into points with their index", () => {
    const listing = convertListing({ run: "r", tag: "t", steps: [0, 5, 5], wall_times: [1, 2, 3], samples: [1, 3, 0], media: "image" });
    expect(listing.points).toEqual([
      { index: 0, step: 0, wallTime: 1, samples: 1 },
      { index: 1, step: 5, wallTime: 2, samples: 3 },
      { index: 2, step: 5, wallTime: 3, samples: 0 },
    ]);
    expect(listing.media).toBe("image");
    const point = listing.points[2];
    if (!point) throw new Error("no point");
    expect(pointParams({ run: "r", tag: "t", point, sample: 0 })).toEqual({ run: "r", tag: "t", step: 5, index: 2, sample: 0 });
  });

  it("keeps each tag's media", () => {
    const tags = convertTags({
      media: null,
      tags: { a: { x: { points: 2, last_step: 1, display_name: "", description: "", media: "video" } } },
    });
    expect(tags.get("a")?.get("x")).toEqual({ points: 2, lastStep: 1, media: "video" });
    const audio = audioTags(new Map([["a", new Map([["s", { points: 3, lastStep: 2, displayName: "", description: "" }]])]]));
    expect(audio.get("a")?.get("s")).toEqual({ points: 3, lastStep: 2, media: null });
  });

  it("converts audio info, non-WAV clips having no format", () => {
    const info = convertAudioInfo({
      step: 1, index: 1, wall_time: 2, sample: 0, samples: 1, content_type: "audio/ogg", bytes: 9,
      sample_rate: null, channels: null, bits_per_sample: null, frames: null, duration: null,
    });
    expect(info).toEqual({ contentType: "audio/ogg", bytes: 9, sampleRate: null, channels: null, bitsPerSample: null, frames: null, duration: null });
    expect([1, 2, 6].map(formatChannels)).toEqual(["mono", "stereo", "6 channels"]);
  });

  it("formats durations", () => {
    expect(formatDuration(0.75)).toBe("750 ms");
    expect(formatDuration(1.25)).toBe("1.25 s");
    expect(formatDuration(2)).toBe("2 s");
    expect(formatDuration(125)).toBe("2 min 5.0 s");
    expect(formatDuration(NaN)).toBe("?");
  });
});

describe("image view in the URL", () => {
  const params = (values: Record<string, string>) => (name: string) => values[name] ?? null;

  it("reads defaults for absent or malformed values and clamps the rest", () => {
    expect(viewFromParams(params({}))).toEqual({ brightness: 1, contrast: 1, actualSize: false });
    expect(viewFromParams(params({ img_brightness: "x", img_contrast: "9", img_actual: "1" }))).toEqual({ brightness: 1, contrast: 3, actualSize: true });
    expect(viewFromParams(params({ img_brightness: "-2" })).brightness).toBe(0);
  });

  it("writes only what differs from the defaults", () => {
    expect(paramsOfView({ brightness: 1, contrast: 1, actualSize: false })).toEqual({ img_brightness: null, img_contrast: null, img_actual: null });
    expect(paramsOfView({ brightness: 1.5, contrast: 0.25, actualSize: true })).toEqual({ img_brightness: "1.5", img_contrast: "0.25", img_actual: "1" });
  });

  it("makes a CSS filter", () => {
    expect(imageFilter({ brightness: 1, contrast: 1, actualSize: true })).toBe("none");
    expect(imageFilter({ brightness: 2, contrast: 1, actualSize: false })).toBe("brightness(2) contrast(1)");
  });
});

import { open } from "node:fs/promises";
import { LifeboatError } from "../model/errors.js";
import { imageSize, type ImageSource } from "../repository/archiver/api.js";
import type { SourceCounters } from "./change-source.js";

/**
 * A device or image file as an {@link ImageSource}, counting the bytes it reads. A missing or
 * unreadable file is `LB_VOLUME_UNAVAILABLE` (retryable: a device may come back).
 */
export async function fileImage(path: string, counters: SourceCounters): Promise<ImageSource> {
  const handle = await open(path, "r").catch((error: unknown) => {
    throw new LifeboatError("LB_VOLUME_UNAVAILABLE", `cannot open ${path}`, {
      cause: error,
      details: { path },
    });
  });
  const size = await imageSize(path);
  return {
    size,
    async read(buffer, offset) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, offset);
      counters.bytesRead += bytesRead;
      if (bytesRead !== buffer.length) {
        throw new LifeboatError("LB_VOLUME_UNAVAILABLE", `${path} shrank while it was read`, {
          details: { path },
        });
      }
    },
    close: () => handle.close(),
  };
}

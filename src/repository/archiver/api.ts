/**
 * The backup/restore pipeline's programmatic API for the engines (protect, capture, recover):
 * back up a source or an image from changed byte ranges, restore, read any block of an image
 * snapshot, and store/load a named JSON document. docs/backup-restore.md describes each.
 */
export { backup, type BackupRequest, type BackupResult, type BackupKind } from "./backup.js";
export { imageSize, type ChangedRange, type ImageSource } from "./image-backup.js";
export type { ImagePatch } from "./image-patches.js";
export type { ArchiveOptions } from "./archive-context.js";
export { newCounters, type TransferCounters } from "./backup-progress.js";
export { restore, type RestoreRequest, type RestoreResult } from "../restorer/restore.js";
export { ImageReader } from "../restorer/read-image.js";
export { resolveSnapshot } from "../restorer/resolve-snapshot.js";
export { saveDocument, loadDocument, type SaveDocumentInput } from "../json-document.js";

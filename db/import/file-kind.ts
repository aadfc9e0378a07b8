// Recognises files that are not CSV text by their first bytes, so the import error says what the file is
// and how to export it as CSV, instead of an encoding hint that does not apply.

/** A known non-text format: its magic bytes and the sentence telling the user what to do. */
interface BinaryKind {
  magic: readonly number[];
  hint: string;
}

const SAVE_AS_CSV = "export it as CSV (File > Save as > CSV UTF-8) and import that file";

const BINARY_KINDS: readonly BinaryKind[] = [
  {
    magic: [0x50, 0x4b, 0x03, 0x04],
    hint: `this is an Excel workbook (.xlsx) or a zip archive, not CSV: ${SAVE_AS_CSV}`,
  },
  { magic: [0x50, 0x4b, 0x05, 0x06], hint: `this is an empty zip archive, not CSV: ${SAVE_AS_CSV}` },
  {
    magic: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1],
    hint: `this is an old-format Excel workbook (.xls), not CSV: ${SAVE_AS_CSV}`,
  },
  {
    magic: [0x25, 0x50, 0x44, 0x46, 0x2d],
    hint: "this is a PDF document, not CSV: export the report from its source system as CSV instead",
  },
  { magic: [0x89, 0x50, 0x4e, 0x47], hint: "this is a PNG image, not CSV: import the data export, not a screenshot" },
  { magic: [0xff, 0xd8, 0xff], hint: "this is a JPEG image, not CSV: import the data export, not a screenshot" },
  { magic: [0x47, 0x49, 0x46, 0x38], hint: "this is a GIF image, not CSV: import the data export, not a screenshot" },
  { magic: [0x1f, 0x8b], hint: "this is a gzip-compressed file, not CSV: decompress it (gunzip) and import the .csv" },
];

/** Why `head` (the first bytes of a file) is not CSV text, or null when it may be text. */
export function binaryFileHint(head: Uint8Array): string | null {
  const known = BINARY_KINDS.find((kind) => kind.magic.every((byte, i) => head[i] === byte));
  if (known) return known.hint;
  // Text never holds NUL bytes; UTF-16 text does, but only with a byte-order mark, which is checked before this.
  if (head.includes(0)) {
    return "the file contains NUL bytes, so it is binary (or UTF-16 text without a byte-order mark), not CSV: open it in its program and export as CSV UTF-8";
  }
  return null;
}

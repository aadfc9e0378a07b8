// Writes small, valid PDF files from scratch so PDF ingestion is tested on real bytes without binary fixtures.
// Latin text uses the standard Helvetica Type1 font (never embedded). Chinese text uses a Type0 font with
// Identity-H encoding over a non-embedded CIDFontType2 and a /ToUnicode CMap: each character is drawn as a
// two-byte code equal to its (BMP) code point, and the CMap maps the codes back to Unicode for text extraction.

/** A run of text drawn at (x, y) in points from the bottom-left corner of a 612 x 792 page. */
export interface PdfText {
  text: string;
  x: number;
  y: number;
  /** Font size in points (default 12). */
  size?: number;
  /** "latin" (Helvetica, default; WinAnsi characters only) or "han" (Identity-H codes, BMP characters only). */
  font?: "latin" | "han";
}

export interface PdfPage {
  texts?: PdfText[];
  /** Extra raw content stream operators (e.g. a filled rectangle, standing in for a scanned image). */
  graphics?: string;
}

export interface PdfOptions {
  /** The document information dictionary's /Title (written as UTF-16BE, so Chinese titles work). */
  title?: string;
  /**
   * Adds a standard security handler (/Encrypt) whose /U entry matches no password, so readers ask for one.
   * Only the dictionary is written (contents stay plain): enough for a reader to reject the file as protected.
   */
  passwordProtected?: boolean;
}

/** The bytes of a PDF 1.7 file with one page per entry of `pages`. */
export function writePdf(pages: readonly PdfPage[], options: PdfOptions = {}): Uint8Array {
  const objects: string[] = [];
  const add = (body: string): number => objects.push(body);
  const ref = (n: number) => `${n} 0 R`;

  const catalog = add("");
  const pageTree = add("");
  const helvetica = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>");
  const hanTexts = pages.flatMap((p) => p.texts ?? []).filter((t) => t.font === "han");
  const hanChars = [...new Set(hanTexts.flatMap((t) => Array.from(t.text)))];
  const toUnicode = add(stream(toUnicodeCMap(hanChars)));
  const cidFont = add(
    "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /SimSun " +
      "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> " +
      `/FontDescriptor ${ref(add("<< /Type /FontDescriptor /FontName /SimSun /Flags 4 /FontBBox [0 -141 1000 859] /ItalicAngle 0 /Ascent 859 /Descent -141 /CapHeight 700 /StemV 80 >>"))} ` +
      "/DW 1000 /CIDToGIDMap /Identity >>",
  );
  const han = add(
    `<< /Type /Font /Subtype /Type0 /BaseFont /SimSun /Encoding /Identity-H /DescendantFonts [${ref(cidFont)}] /ToUnicode ${ref(toUnicode)} >>`,
  );
  const pageIds = pages.map((page) => {
    const content = add(stream(contentStream(page)));
    return add(
      `<< /Type /Page /Parent ${ref(pageTree)} /MediaBox [0 0 612 792] /Contents ${ref(content)} ` +
        `/Resources << /Font << /F1 ${ref(helvetica)} /F2 ${ref(han)} >> >> >>`,
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${ref(pageTree)} >>`;
  objects[pageTree - 1] = `<< /Type /Pages /Kids [${pageIds.map(ref).join(" ")}] /Count ${pageIds.length} >>`;
  const info =
    options.title === undefined ? undefined : add(`<< /Title ${utf16Hex(options.title)} /Producer (tests) >>`);
  const encrypt = options.passwordProtected
    ? add(`<< /Filter /Standard /V 1 /R 2 /P -44 /O <${"ab".repeat(32)}> /U <${"cd".repeat(32)}> >>`)
    : undefined;

  // Every string above is ASCII, so string length equals byte length and offsets can be counted in characters.
  let out = "%PDF-1.7\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, "0")} 00000 n \n`;
  const id = "0123456789abcdef0123456789abcdef";
  out +=
    `trailer\n<< /Size ${objects.length + 1} /Root ${ref(catalog)}` +
    (info ? ` /Info ${ref(info)}` : "") +
    (encrypt ? ` /Encrypt ${ref(encrypt)}` : "") +
    ` /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

function stream(data: string): string {
  return `<< /Length ${data.length} >>\nstream\n${data}\nendstream`;
}

function contentStream(page: PdfPage): string {
  const ops = (page.texts ?? []).map((t) => {
    const shown = t.font === "han" ? hanHex(t.text) : `(${latinString(t.text)})`;
    return `BT /${t.font === "han" ? "F2" : "F1"} ${t.size ?? 12} Tf ${t.x} ${t.y} Td ${shown} Tj ET`;
  });
  if (page.graphics) ops.push(page.graphics);
  return ops.join("\n");
}

/** A PDF literal string body: backslash, parentheses escaped; only printable ASCII is allowed here. */
function latinString(text: string): string {
  if (!/^[\x20-\x7e]*$/.test(text)) throw new Error(`latin text must be printable ASCII: ${text}`);
  return text.replace(/[\\()]/g, (c) => `\\${c}`);
}

function code(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp > 0xffff) throw new Error(`han text must be in the BMP: ${ch}`);
  return cp.toString(16).padStart(4, "0").toUpperCase();
}

function hanHex(text: string): string {
  return `<${Array.from(text).map(code).join("")}>`;
}

function utf16Hex(text: string): string {
  let hex = "FEFF";
  for (let i = 0; i < text.length; i++) hex += text.charCodeAt(i).toString(16).padStart(4, "0").toUpperCase();
  return `<${hex}>`;
}

function toUnicodeCMap(chars: readonly string[]): string {
  const entries = chars.map((ch) => `<${code(ch)}> <${code(ch)}>`);
  // bfchar sections hold at most 100 entries each.
  const sections: string[] = [];
  for (let i = 0; i < entries.length; i += 100) {
    const part = entries.slice(i, i + 100);
    sections.push(`${part.length} beginbfchar\n${part.join("\n")}\nendbfchar`);
  }
  return [
    "/CIDInit /ProcSet findresource begin",
    "12 dict begin",
    "begincmap",
    "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
    "/CMapName /Adobe-Identity-UCS def",
    "/CMapType 2 def",
    "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange",
    ...sections,
    "endcmap",
    "CMapName currentdict /CMap defineresource pop",
    "end",
    "end",
  ].join("\n");
}

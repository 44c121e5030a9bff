/**
 * A minimal multipart/form-data reader for `POST /channels/{id}/messages` with `file_image` (reference §9.1).
 * It reads what SDKs send (form-data / undici FormData): text fields and file parts, CRLF line ends. Returns
 * undefined for anything it cannot read; the route answers 50035.
 */

export interface FormFile {
  filename: string;
  contentType: string;
  data: Buffer;
}

export interface FormData {
  fields: Map<string, string>;
  files: Map<string, FormFile>;
}

export function isMultipart(contentType: string | undefined): boolean {
  return contentType !== undefined && /^multipart\/form-data\b/i.test(contentType);
}

export function parseMultipart(raw: Buffer, contentType: string): FormData | undefined {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const token = boundary?.[1] ?? boundary?.[2];
  if (!token) return undefined;
  const delimiter = Buffer.from(`--${token}`);
  const form: FormData = { fields: new Map(), files: new Map() };

  let start = raw.indexOf(delimiter);
  if (start < 0) return undefined;
  for (;;) {
    const afterDelimiter = start + delimiter.length;
    // `--` right after a delimiter closes the body.
    if (raw.subarray(afterDelimiter, afterDelimiter + 2).toString() === '--') return form;
    const next = raw.indexOf(delimiter, afterDelimiter);
    if (next < 0) return undefined;
    // A part is CRLF headers CRLF CRLF data CRLF, between two delimiters.
    const part = raw.subarray(afterDelimiter + 2, next - 2);
    if (!readPart(part, form)) return undefined;
    start = next;
  }
}

function readPart(part: Buffer, form: FormData): boolean {
  const headerEnd = part.indexOf('\r\n\r\n');
  if (headerEnd < 0) return false;
  const headers = part.subarray(0, headerEnd).toString('utf8');
  const data = part.subarray(headerEnd + 4);
  const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
  const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) return false;
  const filename = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
  if (filename === undefined) {
    form.fields.set(name, data.toString('utf8'));
  } else {
    const contentType = /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? 'application/octet-stream';
    form.files.set(name, { filename, contentType, data: Buffer.from(data) });
  }
  return true;
}

import { randomBytes } from 'node:crypto';
import { EncodedBody } from '../io/http.js';

/**
 * A guild channel / DM send with a local image: multipart/form-data with the image as `file_image` and the
 * other fields as text parts, objects (embed, ark, markdown, keyboard, message_reference) as JSON text, the
 * way botpy and botgo (`PostFormData`) send it (QQ docs message/post_messages.md).
 *
 * @example
 * const body = toMultipartBody({ content: 'look', msg_id }, png, 'image.png');
 */
export function toMultipartBody(fields: Record<string, unknown>, image: Uint8Array, filename = 'image.png'): EncodedBody {
  const boundary = `----qq-bot-machine-${randomBytes(12).toString('hex')}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${text}\r\n`));
  }
  parts.push(
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file_image"; filename="${filename.replace(/["\r\n]/g, '_')}"\r\nContent-Type: ${imageType(filename)}\r\n\r\n`),
    Buffer.from(image.buffer, image.byteOffset, image.byteLength),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return new EncodedBody(`multipart/form-data; boundary=${boundary}`, Buffer.concat(parts));
}

function imageType(filename: string): string {
  const ext = filename.toLowerCase().split('.').pop();
  if (ext === 'jpg' || ext === 'jpeg') return 'image/jpeg';
  if (ext === 'gif') return 'image/gif';
  return 'image/png';
}

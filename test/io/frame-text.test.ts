import { describe, expect, it } from 'vitest';
import { frameText, gatewayWebSocketOptions } from '../../src/io/gateway-socket.js';

// ws's own UTF-8 check is off (gatewayWebSocketOptions): frameText is the only thing between a broken frame and
// a string full of U+FFFD that would parse and be delivered as if it were what the platform sent.
describe('frameText: the UTF-8 check of gateway frames', () => {
  it('is the check the socket relies on: ws does not validate', () => {
    expect(gatewayWebSocketOptions().skipUTF8Validation).toBe(true);
    expect(gatewayWebSocketOptions(1024).maxPayload).toBe(1024);
  });

  it('decodes ASCII frames unchanged', () => {
    const text = '{"op":0,"s":1,"t":"C2C_MESSAGE_CREATE","d":{"content":"hello ~ \\u4f60"}}';
    expect(frameText(Buffer.from(text))).toBe(text);
  });

  it('decodes non-ASCII UTF-8 (Chinese, emoji, Latin-1 range) as UTF-8, not Latin-1', () => {
    const text = '{"d":{"content":"你好，世界 😀 café ÿ"}}';
    expect(frameText(Buffer.from(text, 'utf8'))).toBe(text);
  });

  it.each([
    ['a lone continuation byte', [0x7b, 0x22, 0x80, 0x22, 0x7d]],
    ['0xff 0xfe', [0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]],
    ['a truncated 3-byte sequence', [0x22, 0xe4, 0xbd, 0x22]],
    ['an overlong encoding of "/"', [0xc0, 0xaf]],
    ['a UTF-16 surrogate encoded in UTF-8', [0xed, 0xa0, 0x80]],
  ])('refuses %s', (_what, bytes) => {
    expect(frameText(Buffer.from(bytes))).toBeNull();
  });

  it('keeps a literal U+FFFD the platform sent', () => {
    const text = '{"d":"\uFFFD"}';
    expect(frameText(Buffer.from(text, 'utf8'))).toBe(text);
  });
});

/** Broken frames for fault injection: each one a way a gateway frame can be wrong. */
export type MalformedFrameKind = 'bad-json' | 'binary' | 'not-an-object' | 'wrong-types' | 'unknown-op' | 'missing-op';

export function malformedFrame(kind: MalformedFrameKind): { data: string | Buffer; binary: boolean } {
  switch (kind) {
    case 'bad-json':
      return { data: '{"op":0,"s":', binary: false };
    case 'binary':
      return { data: Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]), binary: true };
    case 'not-an-object':
      return { data: '[0,"READY"]', binary: false };
    case 'wrong-types':
      return { data: '{"op":"0","s":"seven","t":42,"d":null}', binary: false };
    case 'unknown-op':
      return { data: '{"op":42,"d":{}}', binary: false };
    case 'missing-op':
      return { data: '{"t":"C2C_MESSAGE_CREATE","s":2,"d":{}}', binary: false };
  }
}

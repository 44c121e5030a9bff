#!/usr/bin/env node
/**
 * `npm run docs:vendor`: copies the project's shared notes that the docs and the TSDoc comments cite ("§n",
 * "peer-sdks §n") into docs/, so the package ships what its docs point at. Each copy is a short header, a marker
 * line, then the shared file byte for byte; test/docs/vendored-references.test.ts fails when a copy drifts from
 * the shared file (where shared/ sits beside the checkout, as in CI).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const MARKER = '<!-- Verbatim copy below this line. -->';

const root = fileURLToPath(new URL('../', import.meta.url));
const vendored = [
  {
    from: '../shared/protocol/reference.md',
    to: 'docs/protocol-reference.md',
    header: [
      '# Protocol reference (vendored) / 协议参考（随包附带）',
      '',
      '<!-- Copied by `npm run docs:vendor` from the project\'s shared/protocol/reference.md. Do not edit here. -->',
      '',
      'This is the QQ bot protocol reference (API v2: access token, gateway, heartbeat, resume, close codes, webhook,',
      'REST) that qq-bot-machine is built against: every fact with its source, UNCONFIRMED facts marked as such.',
      'A "§n" in these docs and in the TSDoc comments of the published types (for example "§9.2" or "reference §4.6")',
      'cites section n of this file. 本文件是本库所依据的 QQ 机器人协议参考（每条事实都注明出处）；文档和类型注释中的',
      '"§n" 指本文件的第 n 节。',
    ],
  },
  {
    from: '../shared/research/peer-sdks.md',
    to: 'docs/peer-sdks.md',
    header: [
      '# Peer SDK survey (vendored) / 同类 SDK 调研（随包附带）',
      '',
      '<!-- Copied by `npm run docs:vendor` from the project\'s shared/research/peer-sdks.md. Do not edit here. -->',
      '',
      'This is the survey of the other QQ bot SDKs (qq-guild-bot, qq-official-bot, botpy, botgo, Satori, NoneBot)',
      'that the project read before building qq-bot-machine: what each does on reconnect, and the bugs their users',
      'reported. A "peer-sdks §n" in these docs and in the TSDoc comments cites section n of this file.',
      '本文件是对其他 QQ 机器人 SDK 的调研；文档中的 "peer-sdks §n" 指本文件的第 n 节。',
    ],
  },
];

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const { from, to, header } of vendored) {
    const source = readFileSync(new URL(from, new URL('../', import.meta.url)), 'utf8');
    writeFileSync(`${root}${to}`, `${header.join('\n')}\n\n${MARKER}\n\n${source}`);
    console.log(`${from} → ${to}`);
  }
}

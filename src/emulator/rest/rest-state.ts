/**
 * What the REST endpoints remember, per emulator: every message the bot sent, upload, recall, interaction ack,
 * DM session and rejected request (newest last, for test assertions), plus the indexes the rules need
 * (reply counts, used msg_seq values, issued file_info).
 */
import type { InboundScene } from '../inbound.js';

export type RestScene = InboundScene;

/** A message the platform accepted from the bot. */
export interface SentMessage {
  /** The id the platform answered (`id`), which a recall names. */
  id: string;
  scene: RestScene;
  /** User openid (c2c), group openid (group), channel id (guild), DM guild id (dm). */
  target: string;
  /** The request body as received (multipart fields as an object; `file_image` as its byte count). */
  body: Record<string, unknown>;
  /** C2C/group only. */
  msgType?: number;
  /** True when it carried a valid msg_id or event_id. */
  passive: boolean;
  /** C2C only: an active `is_wakeup: true` message, accepted because the user wrote within 30 days. */
  wakeup?: true;
  msgId?: string;
  eventId?: string;
  /** C2C/group passive replies: the msg_seq used (1 when the body had none). */
  msgSeq?: number;
  /** 'message' for the send endpoints, 'upload' for a `srv_send_msg: true` upload. */
  via: 'message' | 'upload';
  /** `now` when it was accepted (ms). */
  at: number;
  /** The `timestamp` the platform answered. */
  timestamp: string;
  /** Set by a successful recall. */
  recalledAt?: number;
}

export interface UploadRecord {
  scene: 'c2c' | 'group';
  target: string;
  fileType: number;
  url?: string;
  /** Decoded size of `file_data`, when the upload carried bytes. */
  fileDataBytes?: number;
  srvSendMsg: boolean;
  fileUuid: string;
  fileInfo: string;
  /** Seconds; 0 = never expires. */
  ttl: number;
  at: number;
  /** The message sent along with it when `srv_send_msg` was true. */
  messageId?: string;
}

export interface RecallRecord {
  scene: RestScene;
  target: string;
  messageId: string;
  at: number;
  /** Guild/DM `?hidetip=`; undefined when absent. */
  hidetip?: boolean;
}

export interface InteractionAck {
  interactionId: string;
  /** 0 success … 5 admin only (reference §9.7). */
  code: number;
  /** Envelope id of the INTERACTION_CREATE. */
  eventId: string;
  scene: RestScene;
  at: number;
  /** ms between the dispatch and the ack: the user's client spins meanwhile (reference §9.7). */
  latencyMs: number;
  /** The whole request body (qqbot-nodejs can send `data` too). */
  body: Record<string, unknown>;
}

export interface DmSession {
  recipientId: string;
  sourceGuildId: string;
  guildId: string;
  channelId: string;
  /** As answered: unix seconds, a string. */
  createTime: string;
  at: number;
}

export interface RejectedRequest {
  /** The endpoint template, e.g. `POST /v2/users/{openid}/messages`. */
  endpoint: string;
  params: string[];
  status: number;
  code: number;
  message: string;
  at: number;
}

export class RestState {
  readonly sent: SentMessage[] = [];
  readonly uploads: UploadRecord[] = [];
  readonly recalls: RecallRecord[] = [];
  readonly interactionAcks: InteractionAck[] = [];
  readonly dmSessions: DmSession[] = [];
  readonly rejections: RejectedRequest[] = [];

  readonly #sentById = new Map<string, SentMessage>();
  readonly #replyCounts = new Map<string, number>();
  readonly #usedSeqs = new Set<string>();
  readonly #uploadsByFileInfo = new Map<string, UploadRecord>();
  readonly #channelSeqs = new Map<string, number>();

  /** Messages sent to one scene (and target, if given), oldest first. */
  sentTo(scene: RestScene, target?: string): SentMessage[] {
    return this.sent.filter((m) => m.scene === scene && (target === undefined || m.target === target));
  }

  recordSent(message: SentMessage): void {
    this.sent.push(message);
    this.#sentById.set(message.id, message);
  }

  sentMessage(id: string): SentMessage | undefined {
    return this.#sentById.get(id);
  }

  /** Accepted replies so far to one anchor (a msg_id or event_id, keyed by `replyAnchorKey`). */
  replyCount(anchorKey: string): number {
    return this.#replyCounts.get(anchorKey) ?? 0;
  }

  isSeqUsed(anchorKey: string, msgSeq: number): boolean {
    return this.#usedSeqs.has(`${anchorKey}#${msgSeq}`);
  }

  /** Counts an accepted reply; `msgSeq` is remembered for the dedupe rule where the scene uses it. */
  countReply(anchorKey: string, msgSeq: number | undefined): void {
    this.#replyCounts.set(anchorKey, this.replyCount(anchorKey) + 1);
    if (msgSeq !== undefined) this.#usedSeqs.add(`${anchorKey}#${msgSeq}`);
  }

  recordUpload(upload: UploadRecord): void {
    this.uploads.push(upload);
    this.#uploadsByFileInfo.set(upload.fileInfo, upload);
  }

  uploadByFileInfo(fileInfo: string): UploadRecord | undefined {
    return this.#uploadsByFileInfo.get(fileInfo);
  }

  /** The next `seq_in_channel` of a channel (or DM guild): 1, 2, 3, … */
  nextChannelSeq(channelKey: string): number {
    const next = (this.#channelSeqs.get(channelKey) ?? 0) + 1;
    this.#channelSeqs.set(channelKey, next);
    return next;
  }

  dmSessionByGuild(guildId: string): DmSession | undefined {
    return this.dmSessions.find((s) => s.guildId === guildId);
  }

  dmSessionFor(recipientId: string, sourceGuildId: string): DmSession | undefined {
    return this.dmSessions.find((s) => s.recipientId === recipientId && s.sourceGuildId === sourceGuildId);
  }
}

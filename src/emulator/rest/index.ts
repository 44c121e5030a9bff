/**
 * The REST endpoints of the emulator: sending, rich-media upload, recall, DM sessions, interaction acks and the
 * bot user (reference §9). Each `createRestEmulator()` call has its own state, so each emulator instance has its own.
 *
 * @example
 * const rest = createRestEmulator({ allowActiveMessages: false });
 * routes.push(...rest.routes);   // in startEmulator
 * rest.state.sent;               // what the bot sent, for assertions
 */
import type { EmulatorRoute } from '../http-router.js';
import { botUserRoutes } from './bot-user.js';
import { dmSessionRoutes } from './dm-sessions.js';
import { guildMessageRoutes } from './guild-messages.js';
import { guildSurfaceRoutes } from './guild-surface.js';
import { interactionRoutes } from './interactions.js';
import { mediaUploadRoutes } from './media-upload.js';
import { recallRoutes } from './recall.js';
import { resolveRestOptions, type RestEmulatorOptions } from './rest-options.js';
import { RestState } from './rest-state.js';
import { v2MessageRoutes } from './v2-messages.js';

export { RestState } from './rest-state.js';
export type { DmSession, InteractionAck, RecallRecord, RejectedRequest, RestScene, SentMessage, UploadRecord } from './rest-state.js';
export type { RestEmulatorOptions } from './rest-options.js';
export { restErrors, type RestErrorSpec } from './rest-errors.js';
export { replyPolicy, RECALL_WINDOW_MS } from './reply-policy.js';
export { guildWorldOf } from './guild-surface.js';
export { GuildWorld, VOICE_CHANNEL_ID, SCHEDULE_CHANNEL_ID, FORUM_CHANNEL_ID } from './guild-world.js';
export { guildErrors } from './guild-errors.js';

export interface RestEmulator {
  routes: EmulatorRoute[];
  state: RestState;
}

export function createRestEmulator(options?: RestEmulatorOptions): RestEmulator {
  const resolved = resolveRestOptions(options);
  const state = new RestState();
  const routes = [
    ...v2MessageRoutes(state, resolved),
    ...guildMessageRoutes(state, resolved),
    ...mediaUploadRoutes(state, resolved),
    ...recallRoutes(state),
    ...dmSessionRoutes(state),
    ...interactionRoutes(state),
    ...botUserRoutes(state, resolved),
    ...guildSurfaceRoutes(state),
  ];
  return { routes, state };
}

/** The routes alone, with a fresh state nobody can read: what the core calls until it wires `createRestEmulator`. */
export function restRoutes(options?: RestEmulatorOptions): EmulatorRoute[] {
  return createRestEmulator(options).routes;
}

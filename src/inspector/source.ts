import type { InspectorStep } from './steps.js';

/** What a page receives when it connects. */
export interface InspectorInit {
  mode: 'live' | 'replay';
  /** Recent steps (live) or every step of the recording (replay), for the timeline. */
  history: InspectorStep[];
  /** Live: the steps that draw the current picture (each living actor, its state, its figures). */
  baseline: InspectorStep[];
  /** The server's clock when this was sent (for "expires in"). */
  now: number;
  showContent: boolean;
}

/** Where a page's steps come from: a running bot, or a recording. */
export interface InspectorSource {
  readonly mode: 'live' | 'replay';
  init(): InspectorInit;
  /** Steps since the last call (live); a replay has none. */
  drain(): InspectorStep[];
  close(): void;
}

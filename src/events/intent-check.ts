import { intentForEvent, intentTable } from '../protocol/intents.js';

/**
 * Checks the event types a handler subscribes to against the intents the bot identifies with: a type
 * whose intent (from the intents table) is not in the mask can never arrive, which would otherwise be
 * a silent subscription. Warns once per type, naming the intent to add. `intents` null (the webhook
 * transport, whose subscriptions are set in the bot console) checks nothing; types the table does not
 * know (new platform events, READY/RESUMED) are not checked.
 *
 * @example
 * ```ts
 * const check = createIntentCheck(intents, (warning) => logger.warn(warning));
 * check(['INTERACTION_CREATE']); // warns unless INTERACTION is in `intents`
 * ```
 */
export function createIntentCheck(intents: number | null, warn: (warning: string) => void): (types: readonly string[]) => void {
  const warned = new Set<string>();
  return (types) => {
    if (intents === null) return;
    for (const type of types) {
      if (warned.has(type)) continue;
      const intent = intentForEvent(type);
      if (intent === undefined || (intents & intentTable[intent].bit) !== 0) continue;
      warned.add(type);
      warn(
        `on('${type}'): the configured intents never deliver ${type}; add '${intent}' to the intents option` +
          (intentTable[intent].privateOnly ? ' (a private-domain intent: also set privateBot: true)' : ''),
      );
    }
  };
}

import type { OperatorFunction } from 'rxjs';
import { filter } from './rx.js';

/**
 * Keeps the events whose `type` is one of `types`, narrowing the element type.
 *
 * @example
 * ```ts
 * bot.events$.pipe(ofType('C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE'))
 *   .subscribe((event) => console.log(event.data.content));
 * ```
 */
export function ofType<E extends { type: string }, K extends E['type']>(
  ...types: [K, ...K[]]
): OperatorFunction<E, Extract<E, { type: K }>> {
  const wanted = new Set<string>(types);
  return filter((event): event is Extract<E, { type: K }> => wanted.has(event.type));
}

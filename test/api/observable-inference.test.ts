/**
 * Type tests (checked by `npm run typecheck`; expectTypeOf is a no-op at run time): RxJS helpers infer the event
 * type from `bot.on()`. Before the catch-all `pipe` overload named its element type, `firstValueFrom(bot.on('X'))`
 * inferred `unknown`, which broke user code and the examples.
 */
import { firstValueFrom, lastValueFrom, map, take, type Observable } from 'rxjs';
import { describe, expectTypeOf, it } from 'vitest';
import type { Bot } from '../../src/bot.js';
import type { BotEvent } from '../../src/events/types.js';

declare const bot: Bot;

describe('bot.on() with RxJS helpers', () => {
  it('firstValueFrom / lastValueFrom keep the event type', () => {
    const typed = () => firstValueFrom(bot.on('AT_MESSAGE_CREATE'));
    expectTypeOf(typed).returns.resolves.toEqualTypeOf<BotEvent<'AT_MESSAGE_CREATE'>>();
    const piped = () => lastValueFrom(bot.on('C2C_MESSAGE_CREATE').pipe(take(1), map((event) => event.data.content)));
    expectTypeOf(piped).returns.resolves.toEqualTypeOf<string>();
  });

  it('bot.on() is an Observable of its events', () => {
    const stream = () => bot.on('GROUP_AT_MESSAGE_CREATE');
    expectTypeOf(stream).returns.toMatchTypeOf<Observable<BotEvent<'GROUP_AT_MESSAGE_CREATE'>>>();
  });
});

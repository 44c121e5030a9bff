/**
 * A consumer's bot, type-checked against the packed tarball (test/package/consumer.test.ts) with
 * `tsc --strict`, module nodenext, no @types/ws, on each TypeScript version the package supports.
 * Never run: every line is a type assertion. `check<Equal<A, B>>()` fails to compile unless A and B are
 * the same type (so `any` and `unknown` fail too); each `@ts-expect-error` fails if its line compiles.
 */
import {
  createBot,
  ofType,
  QQBotError,
  QQHandlerError,
  QQTimeoutError,
  IsolatedObservable,
  type AnyBotEvent,
  type Bot,
  type BotEvent,
  type BotEventHandler,
  type StartOptions,
  type BotState,
  type SendResult,
} from 'qq-bot-machine';
import { startEmulator, type Emulator } from 'qq-bot-machine/emulator';
import {
  combineLatest,
  concat,
  debounceTime,
  distinctUntilChanged,
  filter,
  firstValueFrom,
  map,
  merge,
  of,
  scan,
  skip,
  take,
  tap,
  type Observable,
  type Subscription,
} from 'rxjs';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function check<_T extends true>(): void {}

type C2C = BotEvent<'C2C_MESSAGE_CREATE'>;
type GroupAt = BotEvent<'GROUP_AT_MESSAGE_CREATE'>;

const emu: Emulator = await startEmulator({ appId: '102000001', secret: 'emulator-secret' });
const bot: Bot = createBot({ appId: '102000001', secret: 'emulator-secret', tokenUrl: emu.tokenUrl, apiBase: emu.apiBase });

// events$ and on(): RxJS's own Observable, element types exact.
check<Equal<typeof bot.events$, Observable<AnyBotEvent>>>();
check<Equal<ReturnType<typeof bot.on<'C2C_MESSAGE_CREATE'>>, Observable<C2C>>>();
check<Equal<typeof bot.state$, Observable<BotState>>>();
check<Equal<typeof bot.errors$, Observable<QQBotError>>>();

// merge of piped streams.
const texts = merge(
  bot.on('C2C_MESSAGE_CREATE').pipe(map((event) => event.data.content)),
  bot.on('GROUP_AT_MESSAGE_CREATE').pipe(map((event) => event.data.group_openid)),
);
check<Equal<typeof texts, Observable<string>>>();
const mixed = merge(bot.on('FRIEND_ADD'), bot.on('GROUP_ADD_ROBOT').pipe(map((event) => event.data.timestamp)));
check<Equal<typeof mixed, Observable<BotEvent<'FRIEND_ADD'> | number>>>();

// concat, firstValueFrom, combineLatest.
const lifecycle = concat(bot.on('FRIEND_ADD'), bot.on('GROUP_ADD_ROBOT'));
check<Equal<typeof lifecycle, Observable<BotEvent<'FRIEND_ADD'> | BotEvent<'GROUP_ADD_ROBOT'>>>>();
const firstC2C = firstValueFrom(bot.on('C2C_MESSAGE_CREATE'));
check<Equal<typeof firstC2C, Promise<C2C>>>();
const firstAny = firstValueFrom(bot.events$.pipe(take(1)));
check<Equal<typeof firstAny, Promise<AnyBotEvent>>>();
const latest = combineLatest([bot.state$, bot.on('C2C_MESSAGE_CREATE').pipe(map((event) => event.data.content.length))]);
check<Equal<typeof latest, Observable<[BotState, number]>>>();
const latestByName = combineLatest({ state: bot.state$, last: bot.on('GROUP_AT_MESSAGE_CREATE') });
check<Equal<typeof latestByName, Observable<{ state: BotState; last: GroupAt }>>>();

// pipe: nine operators in one call (RxJS's typed maximum for any Observable), then more by chaining.
const nine = bot.on('C2C_MESSAGE_CREATE').pipe(
  filter((event) => event.data.content.length > 0),
  map((event) => event.data),
  map((data) => data.content),
  distinctUntilChanged(),
  skip(0),
  take(100),
  tap((content) => content.toUpperCase()),
  map((content) => content.length),
  scan((total, length) => total + length, 0),
);
check<Equal<typeof nine, Observable<number>>>();
const chained = nine.pipe(map(String), debounceTime(10), filter((text) => text !== ''), map((text) => text.length > 1));
check<Equal<typeof chained, Observable<boolean>>>();

// on(A, B) is a union that narrows on `type`.
bot.on('C2C_MESSAGE_CREATE', 'GROUP_AT_MESSAGE_CREATE').subscribe((event) => {
  check<Equal<typeof event, C2C | GroupAt>>();
  if (event.type === 'C2C_MESSAGE_CREATE') {
    check<Equal<typeof event.data.author.user_openid, string>>();
    // @ts-expect-error a C2C message has no group_openid
    void event.data.group_openid;
  } else {
    check<Equal<typeof event.data.group_openid, string>>();
    check<Equal<typeof event.data.author.member_openid, string>>();
  }
  // @ts-expect-error before narrowing, the author may be a group author (no user_openid)
  void event.data.author.user_openid;
});
bot.events$.pipe(ofType('FRIEND_ADD', 'GROUP_ADD_ROBOT')).subscribe((event) => {
  if (event.type === 'FRIEND_ADD') check<Equal<typeof event.data.openid, string>>();
  else check<Equal<typeof event.data.group_openid, string>>();
});

// handle(): async handlers, one type or several; reply typed per scene.
const handled: Subscription = bot.handle('C2C_MESSAGE_CREATE', async (event) => {
  const sent = await event.reply(`you said: ${event.data.content}`);
  check<Equal<typeof sent, SendResult>>();
});
handled.unsubscribe();
bot.handle(['FRIEND_ADD', 'GROUP_ADD_ROBOT'], (event) => (event.type === 'FRIEND_ADD' ? event.data.openid : event.data.group_openid));
bot.handle('INTERACTION_CREATE', (event) => event.ack(0));
// @ts-expect-error FRIEND_DEL cannot be replied to
bot.handle('FRIEND_DEL', (event) => event.reply('bye'));

const echo: BotEventHandler<'C2C_MESSAGE_CREATE'> = async (event) => {
  await event.reply(event.data.content);
};
bot.handle('C2C_MESSAGE_CREATE', echo);

// The isolating Observable is an Observable like any other.
const isolated = new IsolatedObservable(of(1, 2, 3), (error) => console.error(error));
const doubled: Observable<number> = isolated.pipe(map((n) => n * 2));
check<Equal<typeof doubled, Observable<number>>>();
const firstIsolated = firstValueFrom(isolated);
check<Equal<typeof firstIsolated, Promise<number>>>();
const mergedIsolated = merge(isolated, of('x'));
check<Equal<typeof mergedIsolated, Observable<number | string>>>();

// errors$ and start options.
bot.errors$.subscribe((error) => {
  if (error instanceof QQHandlerError) check<Equal<typeof error.eventType, string | undefined>>();
  if (error instanceof QQTimeoutError) check<Equal<typeof error.waitingFor, string>>();
});
const startOptions: StartOptions = { timeoutMs: 30_000, signal: AbortSignal.timeout(60_000) };
await bot.start(startOptions);
// @ts-expect-error timeoutMs is a number
await bot.start({ timeoutMs: '30s' });
await bot.stop();
await emu.close();

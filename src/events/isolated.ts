import type { Observer, OperatorFunction, Subscription } from 'rxjs';
import { Observable } from './rx.js';

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** Where a subscriber's exception (or an async subscriber's rejection) goes instead of crashing the process. */
export type SubscriberErrorSink = (error: unknown, value: unknown) => void;

/**
 * An Observable whose subscribers cannot hurt anyone: an exception thrown in `next`, or the rejection of
 * the promise an async `next` returns, goes to the sink (the bot's `errors$` and log) instead of RxJS's
 * asynchronous rethrow or an unhandled rejection, either of which in Node would end the process. The other subscribers, the stream and the connection carry on.
 * `pipe()` keeps the isolation, so `bot.on('X').pipe(map(...)).subscribe(fn)` is covered too.
 */
export class IsolatedObservable<T> extends Observable<T> {
  readonly #source: Observable<T>;
  readonly #sink: SubscriberErrorSink;

  constructor(source: Observable<T>, sink: SubscriberErrorSink) {
    super((subscriber) => source.subscribe(subscriber));
    this.#source = source;
    this.#sink = sink;
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null): Subscription {
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' ? { next: observerOrNext } : (observerOrNext ?? {});
    const sink = this.#sink;
    return this.#source.subscribe({
      next: (value) => {
        try {
          const returned: unknown = observer.next?.(value);
          // An async handler's rejection would be an unhandled rejection, which ends a Node process: route it too.
          if (isThenable(returned)) returned.then(undefined, (error: unknown) => sink(error, value));
        } catch (error) {
          sink(error, value);
        }
      },
      error: (error) => {
        try {
          observer.error?.(error);
        } catch (thrown) {
          sink(thrown, undefined);
        }
      },
      complete: () => {
        try {
          observer.complete?.();
        } catch (thrown) {
          sink(thrown, undefined);
        }
      },
    });
  }

  override pipe(): IsolatedObservable<T>;
  override pipe<A>(op1: OperatorFunction<T, A>): IsolatedObservable<A>;
  override pipe<A, B>(op1: OperatorFunction<T, A>, op2: OperatorFunction<A, B>): IsolatedObservable<B>;
  override pipe<A, B, C>(op1: OperatorFunction<T, A>, op2: OperatorFunction<A, B>, op3: OperatorFunction<B, C>): IsolatedObservable<C>;
  override pipe<A, B, C, D>(
    op1: OperatorFunction<T, A>,
    op2: OperatorFunction<A, B>,
    op3: OperatorFunction<B, C>,
    op4: OperatorFunction<C, D>,
  ): IsolatedObservable<D>;
  // The catch-all names T in its first parameter, as rxjs's own last overload does: TypeScript infers from the
  // last overload, so `firstValueFrom(bot.on('X'))` would otherwise infer `unknown`.
  override pipe<A>(op1: OperatorFunction<T, A>, ...operations: OperatorFunction<any, any>[]): IsolatedObservable<unknown>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the overloads above carry the types
  override pipe(...operations: any[]): any {
    const piped = (this.#source as Observable<unknown>).pipe(...(operations as [OperatorFunction<unknown, unknown>]));
    return new IsolatedObservable(piped, this.#sink);
  }
}

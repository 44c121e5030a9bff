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
 *
 * Its type is RxJS's own `Observable<T>`, member for member: `subscribe` has RxJS's overloads and
 * `pipe` is not redeclared (it is replaced on the prototype, below), so every RxJS overload and
 * every combinator (`merge`, `concat`, `firstValueFrom`, `combineLatest`) infers `T` as for any
 * other Observable. An earlier version redeclared `pipe` with four typed overloads and a catch-all:
 * five operators, or any inference through `ObservableInput<T>`, came out `unknown`.
 */
export class IsolatedObservable<T> extends Observable<T> {
  readonly #source: Observable<T>;
  readonly #sink: SubscriberErrorSink;

  constructor(source: Observable<T>, sink: SubscriberErrorSink) {
    super((subscriber) => source.subscribe(subscriber));
    this.#source = source;
    this.#sink = sink;
  }

  static {
    // pipe() wraps its result so the isolation carries on downstream. Assigned here rather than
    // declared as a method, so that the declared type of `pipe` stays RxJS's (all its overloads).
    Object.defineProperty(this.prototype, 'pipe', {
      configurable: true,
      writable: true,
      value: function pipe(this: IsolatedObservable<unknown>, ...operations: OperatorFunction<unknown, unknown>[]) {
        const piped = (Observable.prototype.pipe as (...ops: OperatorFunction<unknown, unknown>[]) => Observable<unknown>).apply(this.#source, operations);
        return new IsolatedObservable(piped, this.#sink);
      },
    });
  }

  override subscribe(observerOrNext?: Partial<Observer<T>> | ((value: T) => void)): Subscription;
  /** @deprecated RxJS's own deprecation: pass an observer instead of separate callbacks. */
  override subscribe(next?: ((value: T) => void) | null, error?: ((error: any) => void) | null, complete?: (() => void) | null): Subscription;
  override subscribe(
    observerOrNext?: Partial<Observer<T>> | ((value: T) => void) | null,
    errorCallback?: ((error: any) => void) | null,
    completeCallback?: (() => void) | null,
  ): Subscription {
    const observer: Partial<Observer<T>> =
      typeof observerOrNext === 'function' || observerOrNext == null
        ? {
            ...(observerOrNext ? { next: observerOrNext } : {}),
            ...(errorCallback ? { error: errorCallback } : {}),
            ...(completeCallback ? { complete: completeCallback } : {}),
          }
        : observerOrNext;
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
}

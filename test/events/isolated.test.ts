/** IsolatedObservable: subscriber exceptions go to the sink, through any pipe, in every subscribe form. */
import { describe, expect, it } from 'vitest';
import { filter, map, Observable, of, Subject, take, throwError, toArray, firstValueFrom } from 'rxjs';
import { IsolatedObservable } from '../../src/events/isolated.js';

function sinkInto(errors: unknown[]) {
  return (error: unknown) => errors.push(error);
}

describe('IsolatedObservable', () => {
  it('is an rxjs Observable whose pipe() keeps the isolation through ten operators and a custom one', () => {
    const errors: unknown[] = [];
    const source = new Subject<number>();
    const isolated = new IsolatedObservable(source.asObservable(), sinkInto(errors));
    expect(isolated).toBeInstanceOf(Observable);
    const double = (input: Observable<number>) => new Observable<number>((subscriber) => input.subscribe({ next: (n) => subscriber.next(n * 2) }));
    const piped = isolated
      .pipe(map((n) => n + 1), map((n) => n), filter(() => true), map((n) => n), map((n) => n), map((n) => n), map((n) => n), map((n) => n), map((n) => n))
      .pipe(double);
    expect(piped).toBeInstanceOf(IsolatedObservable);
    const seen: number[] = [];
    piped.subscribe((n) => {
      seen.push(n);
      throw new Error(`bad ${n}`);
    });
    source.next(1);
    source.next(2);
    expect(seen).toEqual([4, 6]);
    expect(errors.map((e) => (e as Error).message)).toEqual(['bad 4', 'bad 6']);
  });

  it('honours the three-callback subscribe form and isolates throws in error and complete callbacks', () => {
    const errors: unknown[] = [];
    const failing = new IsolatedObservable(throwError(() => new Error('source failed')), sinkInto(errors));
    const received: unknown[] = [];
    failing.subscribe(null, (error) => {
      received.push(error);
      throw new Error('error callback threw');
    });
    expect((received[0] as Error).message).toBe('source failed');
    const completing = new IsolatedObservable(of(1), sinkInto(errors));
    const order: string[] = [];
    completing.subscribe(
      (n) => order.push(`next ${n}`),
      undefined,
      () => {
        order.push('complete');
        throw new Error('complete callback threw');
      },
    );
    expect(order).toEqual(['next 1', 'complete']);
    expect(errors.map((e) => (e as Error).message)).toEqual(['error callback threw', 'complete callback threw']);
  });

  it('feeds rxjs combinators like any Observable', async () => {
    const isolated = new IsolatedObservable(of(1, 2, 3), () => undefined);
    expect(await firstValueFrom(isolated.pipe(take(2), toArray()))).toEqual([1, 2]);
  });
});

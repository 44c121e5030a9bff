import { describe, expect, it } from 'vitest';
import { filter, Subject, take, type Observable } from 'rxjs';
import { EventRouter } from '../../src/events/event-router.js';

interface E {
  type: string;
  n: number;
}

/** Runs the same script of subscriptions and deliveries against a router and against Subject + filter. */
function record(make: () => { all: Observable<E>; of: (types: string[]) => Observable<E>; deliver: (e: E) => void; complete: () => void }): string[] {
  const log: string[] = [];
  const { all, of, deliver, complete } = make();
  const a = all.subscribe({ next: (e) => log.push(`all ${e.type}${e.n}`), complete: () => log.push('all done') });
  of(['A']).subscribe({ next: (e) => log.push(`A ${e.n}`), complete: () => log.push('A done') });
  of(['A', 'B']).pipe(take(2)).subscribe({ next: (e) => log.push(`AB ${e.type}${e.n}`), complete: () => log.push('AB done') });
  // Subscribes during a delivery: hears the next event, not this one.
  const late = of(['B']).subscribe((e) => {
    log.push(`B ${e.n}`);
    if (e.n === 1) of(['B']).subscribe({ next: (x) => log.push(`B' ${x.n}`), complete: () => log.push("B' done") });
    // Unsubscribes another subscriber during a delivery: it hears nothing more, this one included.
    if (e.n === 3) a.unsubscribe();
  });
  for (const [n, type] of ['A', 'B', 'C', 'B', 'A', 'B'].entries()) deliver({ type, n });
  late.unsubscribe();
  complete();
  // Subscribed after completion: completes at once.
  of(['A']).subscribe({ next: () => log.push('never'), complete: () => log.push('late done') });
  deliver({ type: 'A', n: 99 });
  return log;
}

describe('EventRouter', () => {
  it('behaves as a Subject with one filter per stream: order, mid-delivery (un)subscribes, take(), completion', () => {
    const router = record(() => {
      const events = new EventRouter<E>();
      return { all: events.stream(null), of: (types) => events.stream(types), deliver: (e) => events.deliver(e), complete: () => events.complete() };
    });
    const subject = record(() => {
      const events = new Subject<E>();
      return {
        all: events.asObservable(),
        of: (types) => events.pipe(filter((e) => types.includes(e.type))),
        deliver: (e) => events.next(e),
        complete: () => events.complete(),
      };
    });
    expect(router).toEqual(subject);
    // The script did exercise each case.
    expect(router).toContain("B' 3");
    expect(router).not.toContain("B' 1");
    expect(router).toContain('AB done');
    expect(router.filter((line) => line.startsWith('all ')).length).toBe(4);
    expect(router.at(-1)).toBe('late done');
  });

  it('says whether it completed', () => {
    const events = new EventRouter<E>();
    expect(events.completed).toBe(false);
    events.complete();
    expect(events.completed).toBe(true);
  });
});

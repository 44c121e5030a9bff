/**
 * The few RxJS values the library uses, each imported from its own module. Under Node, rxjs 7's
 * package root resolves to its CommonJS index, which loads every operator there is: most of the
 * library's import time (docs/benchmarks.md §5). `rxjs/internal/*` is part of rxjs 7's export map,
 * and its modules are the very ones the root re-exports (`Observable` from either is the same
 * constructor), so users' own operators, `instanceof` checks and `from 'rxjs'` imports work unchanged.
 * Types still come from 'rxjs': they cost nothing at run time.
 */
export { Observable } from 'rxjs/internal/Observable';
export { Subject } from 'rxjs/internal/Subject';
export { BehaviorSubject } from 'rxjs/internal/BehaviorSubject';
export { filter } from 'rxjs/internal/operators/filter';
export { distinctUntilChanged } from 'rxjs/internal/operators/distinctUntilChanged';

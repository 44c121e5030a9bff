import { QQBotError } from '../errors.js';

/**
 * A message builder was given something the platform would refuse (a sixth keyboard row, an empty label, a
 * media kind a scene cannot take). Thrown synchronously by the builder, before any request, naming the part.
 *
 * @example
 * try {
 *   keyboard([[...six buttons]]);
 * } catch (error) {
 *   if (error instanceof QQMessageError) console.error(error.part, error.message); // 'keyboard.rows[0]'
 * }
 */
export class QQMessageError extends QQBotError {
  /** Which part of the message is wrong, e.g. `keyboard.rows[5]` or `markdown.params.title`. */
  readonly part: string;
  constructor(part: string, message: string) {
    super('MESSAGE', `Cannot build the message: ${part} ${message}`);
    this.part = part;
  }
}

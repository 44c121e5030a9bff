/**
 * Shape checks for the structured parts of a message, shared by the C2C/group and guild send endpoints
 * (reference §9.2; button and markdown fields from the msg-btn/markdown docs). Each throws a `RestRejection`.
 */
import { isInteger, isJsonObject, isNonEmptyString } from './json.js';
import { reject, restErrors } from './rest-errors.js';

const MAX_KEYBOARD_ROWS = 5;
const MAX_BUTTONS_PER_ROW = 5;

/**
 * `{content}` or a template `{custom_template_id | template_id, params?: [{key, values[]}]}`, never both.
 * Zero values count as absent: botgo's Markdown struct has no `omitempty`, so every botgo markdown carries
 * `template_id: 0, custom_template_id: "", content: ""` beside the field actually used (`dto/message_create.go`).
 * A non-zero numeric `template_id` is the older template form that botgo still declares.
 */
export function checkMarkdown(markdown: unknown): void {
  if (!isJsonObject(markdown)) reject(restErrors.markdownInvalid);
  if (markdown.custom_template_id !== undefined && typeof markdown.custom_template_id !== 'string') reject(restErrors.markdownInvalid);
  if (markdown.template_id !== undefined && !isInteger(markdown.template_id)) reject(restErrors.markdownInvalid);
  const hasTemplate = isNonEmptyString(markdown.custom_template_id) || (isInteger(markdown.template_id) && markdown.template_id !== 0);
  const hasContent = markdown.content !== undefined && !(markdown.content === '' && hasTemplate);
  if (hasContent && hasTemplate) reject(restErrors.markdownEitherOr);
  if (hasContent) {
    if (!isNonEmptyString(markdown.content)) reject(restErrors.markdownContentInvalid);
    return;
  }
  if (!hasTemplate) reject(restErrors.markdownInvalid);
  if (markdown.params === undefined) return;
  if (!Array.isArray(markdown.params)) reject(restErrors.markdownInvalid);
  for (const param of markdown.params) {
    if (!isJsonObject(param) || !isNonEmptyString(param.key) || !Array.isArray(param.values)) reject(restErrors.markdownInvalid);
    if (!param.values.every((value) => typeof value === 'string')) reject(restErrors.markdownInvalid);
    if (param.values.length === 0 || param.values.some((value) => value === '')) reject(restErrors.markdownEmptyParam);
  }
}

/** `{id}` (a console template) or `{content: {rows: [{buttons: [...]}]}}`, at most 5 × 5. */
export function checkKeyboard(keyboard: unknown): void {
  if (!isJsonObject(keyboard)) reject(restErrors.keyboardInvalid);
  const hasId = keyboard.id !== undefined;
  const hasContent = keyboard.content !== undefined;
  if (hasId === hasContent) reject(restErrors.keyboardInvalid);
  if (hasId) {
    if (!isNonEmptyString(keyboard.id)) reject(restErrors.keyboardInvalid);
    return;
  }
  const content = keyboard.content;
  if (!isJsonObject(content) || !Array.isArray(content.rows) || content.rows.length === 0) reject(restErrors.keyboardInvalid);
  if (content.rows.length > MAX_KEYBOARD_ROWS) reject(restErrors.keyboardTooLarge);
  for (const row of content.rows) {
    if (!isJsonObject(row) || !Array.isArray(row.buttons) || row.buttons.length === 0) reject(restErrors.keyboardInvalid);
    if (row.buttons.length > MAX_BUTTONS_PER_ROW) reject(restErrors.keyboardTooLarge);
    for (const button of row.buttons) checkButton(button);
  }
}

function checkButton(button: unknown): void {
  if (!isJsonObject(button)) reject(restErrors.keyboardInvalid);
  const { render_data: render, action } = button;
  if (!isJsonObject(render) || typeof render.label !== 'string') reject(restErrors.keyboardInvalid);
  // 0 jump, 1 callback, 2 command. botgo tags `type`, `data` and `permission.type` with omitempty
  // (`dto/keyboard/keyboard.go`), so a zero type (jump; permission "specified users") and an empty data are absent.
  if (!isJsonObject(action)) reject(restErrors.keyboardInvalid);
  const type = action.type ?? 0;
  if (!isInteger(type) || type < 0 || type > 2) reject(restErrors.keyboardInvalid);
  if (action.data !== undefined && typeof action.data !== 'string') reject(restErrors.keyboardInvalid);
  if (action.permission !== undefined && (!isJsonObject(action.permission) || (action.permission.type !== undefined && !isInteger(action.permission.type)))) {
    reject(restErrors.keyboardInvalid);
  }
}

/** `{template_id: int, kv: [{key, value?|obj?}]}`. */
export function checkArk(ark: unknown): void {
  if (!isJsonObject(ark) || !isInteger(ark.template_id) || !Array.isArray(ark.kv)) reject(restErrors.badBody);
  if (!ark.kv.every((entry) => isJsonObject(entry) && isNonEmptyString(entry.key))) reject(restErrors.badBody);
}

/** An object; `title`/`prompt` strings and `fields: [{name}]` when present. */
export function checkEmbed(embed: unknown): void {
  if (!isJsonObject(embed)) reject(restErrors.badBody);
  for (const key of ['title', 'prompt'] as const) {
    if (embed[key] !== undefined && typeof embed[key] !== 'string') reject(restErrors.badBody);
  }
  if (embed.fields !== undefined) {
    if (!Array.isArray(embed.fields) || !embed.fields.every((field) => isJsonObject(field) && typeof field.name === 'string')) {
      reject(restErrors.badBody);
    }
  }
}

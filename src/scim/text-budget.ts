import { overBudget, type ScimBudgets } from './scim-budgets.js';

export type TextBudgetName = Extract<keyof ScimBudgets, 'identifierLength' | 'stringLength'>;

/** Code points: '😀' is one, though UTF-16 spends two units on it. */
export function codePointCount(text: string): number {
  let surrogatePairs = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        surrogatePairs++;
        i++;
      }
    }
  }
  return text.length - surrogatePairs;
}

/** A refusal never quotes the value. */
export function checkTextBudget(label: string, text: string, budgets: Readonly<ScimBudgets>, name: TextBudgetName): void {
  const limit = budgets[name];
  if (text.length <= limit) return;
  const characters = codePointCount(text);
  if (characters <= limit) return;
  throw overBudget(name, limit, `${label} (${characters} characters)`, `send a shorter ${label}`);
}

export function checkEntriesBudget(label: string, entries: number, budgets: Readonly<ScimBudgets>): void {
  if (entries <= budgets.multiValuedEntries) return;
  throw overBudget('multiValuedEntries', budgets.multiValuedEntries, `${label} (${entries} entries)`, `send fewer ${label}`);
}

import { COMPARE_OPS, type AttrPath, type CompareOp, type FilterNode, type FilterValue } from './filter-ast.js';
import { EXCERPT_CHARACTERS, truncateText, valueExcerpt } from '../../model/value-excerpt.js';
import { filterTooDeep, filterTooLong, tooManySubstringTerms, tooManyTerms, type FilterBudgets } from './filter-budgets.js';
import { tokenizeFilter, type FilterToken, type SyntaxFailure } from './tokenize-filter.js';

const ATTRIBUTE_NAME = /^(\$ref|[A-Za-z][A-Za-z0-9_-]*)$/;
const JSON_NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const RESERVED = new Set(['and', 'or', 'not']);
const SUBSTRING_OPS = new Set(['co', 'sw', 'ew']);

/**
 * Recursive-descent filter parser shared by `parseFilter` and `parsePatchPath`, so both accept the same paths.
 * Precedence not > and > or; keywords are case-insensitive. Budgets bound the work before it is done: length
 * before tokenizing, nesting before recursing (so every later tree walker is bounded too), and comparisons as
 * read. and/or chains are built in loops and count as terms, not nesting.
 */
export class FilterParser {
  private readonly tokens: FilterToken[];
  private index = 0;
  private insideValueFilter = false;
  private depth = 0;
  private terms = 0;
  private substringTerms = 0;

  constructor(
    text: string,
    private readonly label: string,
    private readonly fail: SyntaxFailure,
    private readonly budgets: Readonly<FilterBudgets>,
  ) {
    if (text.length > budgets.filterLength) throw filterTooLong(label, text.length, budgets.filterLength);
    this.tokens = tokenizeFilter(text, label, fail);
  }

  parseWholeFilter(): FilterNode {
    const node = this.parseOr();
    if (this.peek().kind !== 'end') throw this.expected('"and", "or" or the end of the filter');
    return node;
  }

  /** PATCH path: `attrPath / valuePath [subAttr]`. */
  parsePatchPath(): { path: AttrPath; filter?: FilterNode; subAttribute?: string } {
    const word = this.peek();
    if (word.kind !== 'word') throw this.expected('an attribute path');
    this.index++;
    const path = this.attrPath(word);
    if (this.peek().kind !== '[') {
      this.expectEnd('the end of the path');
      return { path };
    }
    const { filter, subAttribute } = this.valueFilterAfter(path, word);
    this.expectEnd('the end of the path');
    return { path, filter, ...(subAttribute !== undefined ? { subAttribute } : {}) };
  }

  private parseOr(): FilterNode {
    let left = this.parseAnd();
    while (this.isKeyword('or')) {
      this.index++;
      left = { op: 'or', left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isKeyword('and')) {
      this.index++;
      left = { op: 'and', left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    const token = this.peek();
    if (token.kind === '(') {
      this.index++;
      this.enterGroup(token.position);
      const inner = this.parseOr();
      this.expectKind(')', '")"', ` to close the "(" at position ${token.position}`);
      this.depth--;
      return inner;
    }
    if (this.isKeyword('not')) {
      this.index++;
      this.expectKind('(', '"(" after "not"');
      this.enterGroup(token.position);
      const inner = this.parseOr();
      this.expectKind(')', '")"', ` to close the "not (" at position ${token.position}`);
      this.depth--;
      return { op: 'not', expr: inner };
    }
    if (token.kind === 'word' && !RESERVED.has(token.text.toLowerCase())) {
      this.index++;
      return this.attrExpression(token);
    }
    throw this.expected('an attribute name, "not" or "("');
  }

  private attrExpression(word: Extract<FilterToken, { kind: 'word' }>): FilterNode {
    const path = this.attrPath(word);
    if (this.peek().kind === '[') {
      const { filter, subAttribute } = this.valueFilterAfter(path, word);
      if (subAttribute === undefined) return { op: 'valuePath', path, filter };
      // Entra's non-RFC `emails[type eq "work"].value eq "x"`: the element must match both.
      const condition = this.condition({ attribute: subAttribute }, `${word.text}[…].${subAttribute}`);
      return { op: 'valuePath', path, filter: { op: 'and', left: filter, right: condition } };
    }
    return this.condition(path, word.text);
  }

  private condition(path: AttrPath, shown: string): FilterNode {
    const token = this.peek();
    const operator = token.kind === 'word' ? token.text.toLowerCase() : '';
    if (operator === 'pr') {
      this.countTerm(token.position, false);
      this.index++;
      return { op: 'pr', path };
    }
    if ((COMPARE_OPS as readonly string[]).includes(operator)) {
      this.countTerm(token.position, SUBSTRING_OPS.has(operator));
      this.index++;
      return { op: operator as CompareOp, path, value: this.value(operator) };
    }
    throw this.expected(`a comparison operator (eq, ne, co, sw, ew, gt, ge, lt, le or pr) after ${valueExcerpt(shown)}`);
  }

  private valueFilterAfter(path: AttrPath, word: Extract<FilterToken, { kind: 'word' }>): { filter: FilterNode; subAttribute?: string } {
    const open = this.peek();
    if (this.insideValueFilter) throw this.fail(`${this.label}: value filters cannot be nested, at position ${open.position}`);
    if (path.subAttribute !== undefined) {
      throw this.fail(`${this.label}: a value filter must follow a multi-valued attribute, not the sub-attribute ${valueExcerpt(word.text)}, at position ${open.position}`);
    }
    this.index++;
    this.enterGroup(open.position);
    this.insideValueFilter = true;
    const filter = this.parseOr();
    this.insideValueFilter = false;
    this.expectKind(']', '"]"', ` to close the "[" at position ${open.position}`);
    this.depth--;
    const next = this.peek();
    if (next.kind === 'word' && next.text.startsWith('.')) {
      this.index++;
      const subAttribute = next.text.slice(1);
      if (!ATTRIBUTE_NAME.test(subAttribute)) {
        throw this.fail(`${this.label}: expected a sub-attribute name after "]." at position ${next.position + 1}, got ${valueExcerpt(subAttribute)}`);
      }
      return { filter, subAttribute };
    }
    return { filter };
  }

  /** Splits at the last colon (attribute names cannot contain one), then at the dot. */
  private attrPath(word: Extract<FilterToken, { kind: 'word' }>): AttrPath {
    let uri: string | undefined;
    let rest = word.text;
    if (rest.toLowerCase().startsWith('urn:')) {
      const colon = rest.lastIndexOf(':');
      uri = rest.slice(0, colon);
      rest = rest.slice(colon + 1);
    }
    const parts = rest.split('.');
    const [attribute, subAttribute] = parts;
    if (parts.length > 2 || !ATTRIBUTE_NAME.test(attribute ?? '') || (subAttribute !== undefined && !ATTRIBUTE_NAME.test(subAttribute))) {
      throw this.fail(`${this.label}: expected an attribute path such as userName, name.familyName or urn:…:User:employeeNumber at position ${word.position}, got ${valueExcerpt(word.text)}`);
    }
    return { ...(uri !== undefined ? { uri } : {}), attribute: attribute!, ...(subAttribute !== undefined ? { subAttribute } : {}) };
  }

  private value(operator: string): FilterValue {
    const token = this.peek();
    if (token.kind === 'string') {
      this.index++;
      return token.value;
    }
    if (token.kind === 'word') {
      const lower = token.text.toLowerCase();
      if (lower === 'true' || lower === 'false' || lower === 'null') {
        this.index++;
        return lower === 'null' ? null : lower === 'true';
      }
      if (JSON_NUMBER.test(token.text)) {
        this.index++;
        return Number(token.text);
      }
      throw this.fail(
        `${this.label}: expected a value (a "quoted string", a number, true, false or null) after "${operator}" at position ${token.position}, got ${truncateText(token.text, EXCERPT_CHARACTERS)}; string values must be in double quotes`,
      );
    }
    throw this.expected(`a value (a "quoted string", a number, true, false or null) after "${operator}"`);
  }

  /** Refused before recursing into the group that is one too many. */
  private enterGroup(position: number): void {
    this.depth++;
    if (this.depth > this.budgets.filterDepth) throw filterTooDeep(this.label, this.depth, position, this.budgets.filterDepth);
  }

  private countTerm(position: number, substring: boolean): void {
    this.terms++;
    if (this.terms > this.budgets.filterTerms) throw tooManyTerms(this.label, this.terms, position, this.budgets.filterTerms);
    if (!substring) return;
    this.substringTerms++;
    if (this.substringTerms > this.budgets.substringTerms) throw tooManySubstringTerms(this.label, this.substringTerms, position, this.budgets.substringTerms);
  }

  private peek(): FilterToken {
    return this.tokens[this.index]!;
  }

  private isKeyword(keyword: string): boolean {
    const token = this.peek();
    return token.kind === 'word' && token.text.toLowerCase() === keyword;
  }

  private expectKind(kind: FilterToken['kind'], what: string, purpose = ''): void {
    if (this.peek().kind !== kind) throw this.expected(what, purpose);
    this.index++;
  }

  private expectEnd(what: string): void {
    if (this.peek().kind !== 'end') throw this.expected(what);
  }

  private expected(what: string, purpose = '') {
    const token = this.peek();
    return this.fail(`${this.label}: expected ${what} at position ${token.position}${purpose}, got ${describe(token)}`);
  }
}

function describe(token: FilterToken): string {
  switch (token.kind) {
    case 'end':
      return 'the end of the text';
    case 'word':
      return valueExcerpt(token.text);
    case 'string':
      return `the string ${valueExcerpt(token.value)}`;
    default:
      return `"${token.kind}"`;
  }
}

/**
 * Pure helpers of the rule builder: building and editing a rule tree immutably by path, default values per field and
 * comparator, and turning validation problems (the shared `ruleIssues`, or a 400 from the server) into issues keyed
 * by the node they belong to. No React here, so the journeys editor and the tests can use them too.
 */
import type { TCmp, TRelative, TRuleCondition, TRuleGroup, TRuleIssue, TRuleNode, TSegmentFieldsOut } from '../../contracts/segments';
import { isGroup, ruleIssues } from '../../contracts/segments';

export type TField = TSegmentFieldsOut['fields'][number];
/** A path from the root group to a node: `['children', 0, 'children', 2]`. */
export type TNodePath = (string | number)[];

export const emptyCondition = (): TRuleCondition => ({ field: '', cmp: 'eq' });
export const emptyGroup = (op: 'and' | 'or' = 'and'): TRuleGroup => ({ op, children: [emptyCondition()] });
export const notGroup = (child: TRuleNode = emptyCondition()): TRuleGroup => ({ op: 'not', children: [child] });
/** A new segment starts with one group holding one empty condition. */
export const emptyRule = (): TRuleGroup => ({ op: 'and', children: [emptyCondition()] });

/** The node at a path (undefined when the path does not lead anywhere). */
export function nodeAt(root: TRuleNode, path: TNodePath): TRuleNode | undefined {
  let cur: unknown = root;
  for (const key of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string | number, unknown>)[key];
  }
  return cur as TRuleNode | undefined;
}

/** A copy of `root` with the node at `path` replaced (or removed, when `next` is null, from its group's children). */
export function updateAt(root: TRuleGroup, path: TNodePath, next: TRuleNode | null): TRuleGroup {
  if (path.length === 0) {
    if (next === null || !isGroup(next)) throw new Error('the root of a rule stays a group');
    return next;
  }
  const rec = (node: TRuleNode, rest: TNodePath): TRuleNode => {
    if (!isGroup(node) || rest[0] !== 'children' || typeof rest[1] !== 'number') throw new Error(`bad path ${path.join('.')}`);
    const i = rest[1];
    const children = [...node.children];
    if (rest.length === 2) {
      if (next === null) children.splice(i, 1);
      else children[i] = next;
    } else {
      children[i] = rec(children[i]!, rest.slice(2));
    }
    return { ...node, children };
  };
  return rec(root, path) as TRuleGroup;
}

/** Appends a child to the group at `path`. */
export function appendAt(root: TRuleGroup, path: TNodePath, child: TRuleNode): TRuleGroup {
  const g = nodeAt(root, path);
  if (!g || !isGroup(g)) throw new Error(`no group at ${path.join('.')}`);
  return updateAt(root, path, { ...g, children: [...g.children, child] });
}

/** The number of conditions in a tree (what the 100-condition limit counts). */
export function countConditions(node: TRuleNode): number {
  return isGroup(node) ? node.children.reduce((n, c) => n + countConditions(c), 0) : 1;
}

/** Fields whose dates mostly lie ahead (due dates, expiries): a relative date on them defaults to "in the next 30 days". */
const FUTURE_FIELDS = /due|expiry|warranty/;

/** A sensible value for a new comparison, so a condition is complete (or nearly) as soon as its field is chosen. */
export function defaultValue(field: TField, cmp: TCmp): unknown {
  if (cmp === 'is_empty' || cmp === 'is_not_empty') return undefined;
  if (field.type === 'boolean') return true;
  if (field.type === 'date' && (cmp === 'within' || cmp === 'not_within')) {
    const rel: TRelative = FUTURE_FIELDS.test(field.id) ? { relative: { direction: 'next', amount: 30, unit: 'day' } } : { relative: { direction: 'past', amount: 6, unit: 'month' } };
    return rel;
  }
  if (cmp === 'in' || cmp === 'not_in' || cmp === 'all') return [];
  return undefined;
}

/** The comparator a field starts with: "within" for dates (the common question), else the field's first. */
export function defaultCmp(field: TField): TCmp {
  const cmps = field.cmps.map((c) => c.cmp);
  if (field.type === 'date' && cmps.includes('within')) return 'within';
  if ((field.type === 'enum' || field.type === 'tag') && cmps.includes('in')) return 'in';
  if (field.type === 'number' && cmps.includes('gte')) return 'gte';
  return cmps[0]!;
}

/** A condition switched to another field: its first comparator and default value (nothing carried across types). */
export function withField(field: TField): TRuleCondition {
  const cmp = defaultCmp(field);
  const value = defaultValue(field, cmp);
  return { field: field.id, cmp, ...(value === undefined ? {} : { value }) };
}

/** A condition switched to another comparator: the value is kept where it still fits, else reset. */
export function withCmp(cond: TRuleCondition, field: TField, cmp: TCmp): TRuleCondition {
  const list = (c: TCmp) => c === 'in' || c === 'not_in' || c === 'all';
  const rel = (c: TCmp) => c === 'within' || c === 'not_within';
  const noValue = (c: TCmp) => c === 'is_empty' || c === 'is_not_empty';
  const from = cond.cmp;
  const keep = !noValue(cmp) && !noValue(from) && list(from) === list(cmp) && rel(from) === rel(cmp) && (from === 'between') === (cmp === 'between');
  const { value: _v, ...rest } = cond;
  const value = keep ? cond.value : defaultValue(field, cmp);
  return { ...rest, cmp, ...(value === undefined ? {} : { value }) };
}

/** A path as the wire spells it: `children.1.value`. */
export const pathKey = (path: TNodePath) => path.join('.');

/**
 * Problems keyed by the node they concern: an issue at `children.1.value` belongs to the condition `children.1`; an
 * issue naming a group's `children` (a NOT group with two children) belongs to the group.
 */
export function issuesByNode(issues: readonly TRuleIssue[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const i of issues) {
    const key = pathKey(nodePathOf(i.path));
    out.set(key, [...(out.get(key) ?? []), i.message]);
  }
  return out;
}

/** The node a problem's path points into: the longest prefix ending in `children, <index>` (or the root). */
export function nodePathOf(path: readonly (string | number)[]): TNodePath {
  let end = path.length;
  while (end > 0 && !(end >= 2 && path[end - 2] === 'children' && typeof path[end - 1] === 'number')) end--;
  return path.slice(0, end);
}

/** The shared validator's problems with a rule being edited (the same checks the server runs). */
export function localIssues(rule: TRuleNode): TRuleIssue[] {
  return ruleIssues(rule as Parameters<typeof ruleIssues>[0]);
}

/**
 * A server validation problem (`errors: [{path: 'body.rule.children.1.value', message}]`) as rule issues relative
 * to the rule's root; problems of other fields are left out.
 */
export function issuesFromProblem(errors: readonly { path: string; message: string }[] | undefined, prefix = 'body.rule'): TRuleIssue[] {
  const out: TRuleIssue[] = [];
  for (const e of errors ?? []) {
    const parts = e.path.split('.');
    const pre = prefix.split('.');
    // fastify reports the body as `body.rule…`; the service's own check as `rule…` or `body.rule…`.
    let rest: string[] | null = null;
    if (pre.every((p, i) => parts[i] === p)) rest = parts.slice(pre.length);
    else if (parts[0] === pre.at(-1)) rest = parts.slice(1);
    if (rest === null) continue;
    out.push({ path: rest.map((x) => (/^\d+$/.test(x) ? Number(x) : x)), message: e.message });
  }
  return out;
}

/** Drops empty conditions (no field chosen) and groups left empty, e.g. before counting a rule still being typed. */
export function pruneEmpty(node: TRuleNode): TRuleNode | null {
  if (!isGroup(node)) return node.field ? node : null;
  const children = node.children.map(pruneEmpty).filter((c): c is TRuleNode => c !== null);
  if (node.op === 'not') return children.length === 1 ? { ...node, children } : null;
  return { ...node, children };
}

/**
 * `pruneEmpty` plus a map from paths in the pruned rule back to the rule as displayed, so problems the server finds
 * in the pruned rule land on the right row.
 */
export function pruneWithMap(root: TRuleGroup): { rule: TRuleGroup; toDisplayed: (path: readonly (string | number)[]) => (string | number)[] } {
  const maps = new Map<string, number[]>();
  const rec = (node: TRuleNode, displayed: TNodePath): TRuleNode | null => {
    if (!isGroup(node)) return node.field ? node : null;
    const kept: number[] = [];
    const children: TRuleNode[] = [];
    node.children.forEach((c, i) => {
      const p = rec(c, [...displayed, 'children', i]);
      if (p !== null) {
        kept.push(i);
        children.push(p);
      }
    });
    maps.set(pathKey(displayed), kept);
    if (node.op === 'not' && children.length !== 1) return displayed.length === 0 ? { ...node, children } : null;
    return { ...node, children };
  };
  const rule = (rec(root, []) ?? { op: 'and', children: [] }) as TRuleGroup;
  const toDisplayed = (path: readonly (string | number)[]) => {
    const out: (string | number)[] = [];
    for (let i = 0; i < path.length; i++) {
      const seg = path[i]!;
      if (path[i - 1] === 'children' && typeof seg === 'number') {
        const kept = maps.get(pathKey(out.slice(0, -1)));
        out.push(kept?.[seg] ?? seg);
      } else out.push(seg);
    }
    return out;
  };
  return { rule, toDisplayed };
}

/** Problems that only say a row is still empty (no field chosen yet): not worth a red mark while typing. */
export function isEmptyRowIssue(root: TRuleNode, issue: TRuleIssue): boolean {
  const node = nodeAt(root, nodePathOf(issue.path));
  if (!node) return false;
  if (!isGroup(node)) return !node.field;
  return node.op === 'not' && node.children.length === 1 && !isGroup(node.children[0]!) && !node.children[0]!.field;
}

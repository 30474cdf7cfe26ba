import { describe, expect, it } from 'vitest';
import { SEGMENT_FIELDS, type TRuleGroup } from '../../contracts/segments';
import {
  appendAt,
  countConditions,
  emptyCondition,
  emptyRule,
  issuesByNode,
  issuesFromProblem,
  localIssues,
  nodeAt,
  notGroup,
  pruneEmpty,
  pruneWithMap,
  isEmptyRowIssue,
  updateAt,
  withCmp,
  withField,
  type TField,
} from './rule';

/** The catalogue as GET /segments/fields sends it (comparators with labels). */
const field = (id: string): TField => {
  const f = SEGMENT_FIELDS.find((x) => x.id === id)!;
  return { ...f, cmps: f.cmps.map((cmp) => ({ cmp, zh: cmp, en: cmp })), options: f.options ? [...f.options] : undefined, kindOptions: undefined } as TField;
};

const sample: TRuleGroup = {
  op: 'and',
  children: [
    { field: 'facts.lifecycle_stage', cmp: 'eq', value: 'replacement' },
    { op: 'or', children: [{ field: 'facts.value_tier', cmp: 'eq', value: 'high_value' }, { field: 'facts.trade_in_score', cmp: 'gte', value: 60 }] },
    { op: 'not', children: [{ field: 'tags', cmp: 'in', value: ['01a2331a-d58f-7155-9fd0-9d0c09aa902b'] }] },
  ],
};

describe('editing a rule tree by path', () => {
  it('replaces, removes and appends without touching the original', () => {
    const copy = structuredClone(sample);
    const replaced = updateAt(sample, ['children', 1, 'children', 1], { field: 'facts.trade_in_score', cmp: 'gte', value: 80 });
    expect(nodeAt(replaced, ['children', 1, 'children', 1])).toEqual({ field: 'facts.trade_in_score', cmp: 'gte', value: 80 });
    const removed = updateAt(sample, ['children', 0], null);
    expect(removed.children).toHaveLength(2);
    const appended = appendAt(sample, ['children', 1], emptyCondition());
    expect((nodeAt(appended, ['children', 1]) as TRuleGroup).children).toHaveLength(3);
    expect(sample).toEqual(copy);
    expect(countConditions(sample)).toBe(4);
  });

  it('refuses to turn the root into a condition', () => {
    expect(() => updateAt(sample, [], { field: 'tags', cmp: 'in', value: [] })).toThrow();
  });

  it('the AND / OR / NOT example passes the shared validator', () => {
    expect(localIssues(sample)).toEqual([]);
  });
});

describe('defaults when a field or comparator changes', () => {
  it('starts dates on a relative window: the past 6 months, or the next 30 days for due dates', () => {
    expect(withField(field('facts.last_visit'))).toEqual({ field: 'facts.last_visit', cmp: 'within', value: { relative: { direction: 'past', amount: 6, unit: 'month' } } });
    expect(withField(field('facts.next_maintenance_due'))).toEqual({ field: 'facts.next_maintenance_due', cmp: 'within', value: { relative: { direction: 'next', amount: 30, unit: 'day' } } });
    expect(withField(field('facts.trade_in_candidate'))).toEqual({ field: 'facts.trade_in_candidate', cmp: 'eq', value: true });
    expect(withField(field('facts.trade_in_score')).cmp).toBe('gte');
    expect(withField(field('facts.lifecycle_stage'))).toEqual({ field: 'facts.lifecycle_stage', cmp: 'in', value: [] });
  });

  it('keeps a value that still fits the new comparator and resets one that does not', () => {
    const f = field('facts.trade_in_score');
    expect(withCmp({ field: f.id, cmp: 'gte', value: 60 }, f, 'lt')).toEqual({ field: f.id, cmp: 'lt', value: 60 });
    expect(withCmp({ field: f.id, cmp: 'gte', value: 60 }, f, 'between')).toEqual({ field: f.id, cmp: 'between' });
    const s = field('facts.lifecycle_stage');
    expect(withCmp({ field: s.id, cmp: 'in', value: ['regular'] }, s, 'not_in')).toEqual({ field: s.id, cmp: 'not_in', value: ['regular'] });
    expect(withCmp({ field: s.id, cmp: 'in', value: ['regular'] }, s, 'eq')).toEqual({ field: s.id, cmp: 'eq' });
  });
});

describe('problems next to the node they concern', () => {
  it('maps the server’s 400 paths onto the rule and keys them by node', () => {
    const issues = issuesFromProblem([
      { path: 'body.rule.children.1.children.0.value', message: '请选择一项 / Choose an option' },
      { path: 'body.rule.children.2.children', message: '「非」分组须恰好包含一个条件或分组 / A NOT group holds exactly one child' },
      { path: 'body.name', message: 'name' },
    ]);
    expect(issues).toEqual([
      { path: ['children', 1, 'children', 0, 'value'], message: '请选择一项 / Choose an option' },
      { path: ['children', 2, 'children'], message: '「非」分组须恰好包含一个条件或分组 / A NOT group holds exactly one child' },
    ]);
    const byNode = issuesByNode(issues);
    expect([...byNode.keys()]).toEqual(['children.1.children.0', 'children.2']);
  });

  it('reads the service’s own `rule.…` paths too', () => {
    expect(issuesFromProblem([{ path: 'rule.children.0.cmp', message: 'x' }])).toEqual([{ path: ['children', 0, 'cmp'], message: 'x' }]);
  });

  it('the shared validator flags an incomplete condition at its own path', () => {
    const rule: TRuleGroup = { op: 'and', children: [{ field: 'facts.trade_in_score', cmp: 'gte' }] };
    const byNode = issuesByNode(localIssues(rule));
    expect(byNode.get('children.0')?.[0]).toMatch(/请输入值/);
  });
});

describe('pruning conditions still being typed', () => {
  it('drops conditions without a field and NOT groups left empty, keeps the rest', () => {
    const rule: TRuleGroup = { op: 'and', children: [emptyCondition(), sample.children[0]!, notGroup(), { op: 'or', children: [emptyCondition()] }] };
    expect(pruneEmpty(rule)).toEqual({ op: 'and', children: [sample.children[0], { op: 'or', children: [] }] });
    expect(pruneEmpty(emptyRule())).toEqual({ op: 'and', children: [] });
  });
});

describe('pruneWithMap', () => {
  it('maps a problem in the pruned rule back to the row on screen', () => {
    const shown: TRuleGroup = {
      op: 'and',
      children: [emptyCondition(), { op: 'or', children: [emptyCondition(), { field: 'facts.trade_in_score', cmp: 'gte' }] }],
    };
    const { rule, toDisplayed } = pruneWithMap(shown);
    expect(rule).toEqual({ op: 'and', children: [{ op: 'or', children: [{ field: 'facts.trade_in_score', cmp: 'gte' }] }] });
    const issue = localIssues(rule)[0]!;
    expect(issue.path).toEqual(['children', 0, 'children', 0, 'value']);
    expect(toDisplayed(issue.path)).toEqual(['children', 1, 'children', 1, 'value']);
  });

  it('tells an untouched empty row from a real problem', () => {
    const shown: TRuleGroup = { op: 'and', children: [emptyCondition(), notGroup(), { field: 'facts.trade_in_score', cmp: 'gte' }] };
    const issues = localIssues(shown);
    expect(issues.filter((i) => !isEmptyRowIssue(shown, i)).map((i) => i.path)).toEqual([['children', 2, 'value']]);
  });
});

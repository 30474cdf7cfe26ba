/** Pure survey rules: template checks, conditional questions, answer validation, NPS arithmetic. */
import type { TQuestion } from '../../../contracts/surveys.js';

export type TAnswerValue = number | string | string[];

/** Problems with a questionnaire, as `{ path, message }` (empty when it is fine). */
export function templateProblems(questions: TQuestion[]): { path: string; message: string }[] {
  const out: { path: string; message: string }[] = [];
  const seen = new Map<string, TQuestion>();
  questions.forEach((q, i) => {
    const path = `body.questions.${i}`;
    if (seen.has(q.id)) out.push({ path, message: `重复的题号 ${q.id} / duplicate question id` });
    if ((q.kind === 'single' || q.kind === 'multiple') && q.options.length < 2) out.push({ path, message: '选择题至少两个选项 / a choice needs two options' });
    if (new Set(q.options.map((o) => o.value)).size !== q.options.length) out.push({ path, message: '选项值重复 / duplicate option value' });
    if (q.showIf) {
      const dep = seen.get(q.showIf.questionId);
      if (!dep) out.push({ path, message: '条件题只能依赖前面的题目 / a condition must refer to an earlier question' });
      else if (dep.kind === 'text') out.push({ path, message: '不能依赖文字题 / cannot depend on a text question' });
    }
    seen.set(q.id, q);
  });
  if (questions.filter((q) => q.kind === 'nps').length > 1) out.push({ path: 'body.questions', message: '最多一个推荐意愿题 / at most one NPS question' });
  if (questions.filter((q) => q.kind === 'csat').length > 1) out.push({ path: 'body.questions', message: '最多一个满意度题 / at most one CSAT question' });
  return out;
}

/** Whether a question is shown given the answers so far (its condition's question shown and answered with a listed value). */
export function isShown(q: TQuestion, questions: TQuestion[], answers: Record<string, TAnswerValue | undefined>): boolean {
  if (!q.showIf) return true;
  const dep = questions.find((x) => x.id === q.showIf!.questionId);
  if (!dep || !isShown(dep, questions, answers)) return false;
  const a = answers[dep.id];
  if (a === undefined) return false;
  const vals = q.showIf.values.map(String);
  return Array.isArray(a) ? a.some((x) => vals.includes(x)) : vals.includes(String(a));
}

export interface TCheckedAnswers {
  answers: Record<string, TAnswerValue>;
  nps: number | null;
  csat: number | null;
  verbatim: string;
  /** Question and answer in words, for the complaint or task a detractor opens and the drill-down. */
  display: { question: string; answer: string }[];
}

/**
 * Checks answers against the questionnaire: required shown questions answered, values in range, hidden questions'
 * answers dropped. Returns the cleaned answers or the problems.
 */
export function checkAnswers(questions: TQuestion[], raw: Record<string, TAnswerValue>): { ok: true; value: TCheckedAnswers } | { ok: false; errors: { path: string; message: string }[] } {
  const errors: { path: string; message: string }[] = [];
  const answers: Record<string, TAnswerValue> = {};
  const display: { question: string; answer: string }[] = [];
  let nps: number | null = null;
  let csat: number | null = null;
  const texts: string[] = [];
  for (const k of Object.keys(raw)) if (!questions.some((q) => q.id === k)) errors.push({ path: `body.answers.${k}`, message: 'unknown question' });
  for (const q of questions) {
    const path = `body.answers.${q.id}`;
    if (!isShown(q, questions, answers)) continue;
    const a = raw[q.id];
    const empty = a === undefined || a === '' || (Array.isArray(a) && a.length === 0);
    if (empty) {
      if (q.required) errors.push({ path, message: '请回答此题 / required' });
      continue;
    }
    const labelOf = (v: string) => q.options.find((o) => o.value === v)?.label;
    switch (q.kind) {
      case 'nps':
      case 'csat': {
        const [lo, hi] = q.kind === 'nps' ? [0, 10] : [1, 5];
        if (typeof a !== 'number' || !Number.isInteger(a) || a < lo || a > hi) {
          errors.push({ path, message: `请选择 ${lo}–${hi} / ${lo}–${hi}` });
          continue;
        }
        if (q.kind === 'nps') nps = a;
        else csat = a;
        answers[q.id] = a;
        display.push({ question: q.label, answer: String(a) });
        break;
      }
      case 'single': {
        if (typeof a !== 'string' || !labelOf(a)) {
          errors.push({ path, message: 'unknown option' });
          continue;
        }
        answers[q.id] = a;
        display.push({ question: q.label, answer: labelOf(a)! });
        break;
      }
      case 'multiple': {
        if (!Array.isArray(a) || a.some((v) => !labelOf(v)) || new Set(a).size !== a.length) {
          errors.push({ path, message: 'unknown option' });
          continue;
        }
        answers[q.id] = a;
        display.push({ question: q.label, answer: a.map((v) => labelOf(v)!).join('、') });
        break;
      }
      case 'text': {
        if (typeof a !== 'string') {
          errors.push({ path, message: 'text expected' });
          continue;
        }
        const t = a.trim().slice(0, 2000);
        answers[q.id] = t;
        texts.push(t);
        display.push({ question: q.label, answer: t });
        break;
      }
    }
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: { answers, nps, csat, verbatim: texts.filter(Boolean).join('\n'), display } };
}

export type TNpsGroup = 'promoter' | 'passive' | 'detractor';

/** NPS categories: promoters 9–10, passives 7–8, detractors 0–6. */
export function npsGroup(score: number): TNpsGroup {
  return score >= 9 ? 'promoter' : score >= 7 ? 'passive' : 'detractor';
}

/** NPS = % promoters − % detractors, one decimal; null without answers. */
export function npsOf(promoters: number, detractors: number, n: number): number | null {
  if (n <= 0) return null;
  return Math.round(((promoters - detractors) * 1000) / n) / 10;
}

/** The NPS target of the Measures (DOMAIN.md): NPS ≥ 40. */
export const NPS_TARGET = 40;

import { Button, ConfigProvider, Rate, Result, Selector, TextArea } from 'antd-mobile';
import zhCN from 'antd-mobile/es/locales/zh-CN';
import { StrictMode, useEffect, useState } from 'react';
import type { Root } from 'react-dom/client';
import type { TPublicSurvey, TQuestion } from '../../../contracts/surveys';
import type { Wire } from '../../api/types';
import './survey.css';

type TAnswer = number | string | string[];
type TState = { kind: 'loading' } | { kind: 'gone'; title: string } | { kind: 'ready'; survey: Wire<TPublicSurvey> } | { kind: 'done'; thanks: string };

/** Whether a question shows, given the answers so far (mirrors `isShown` on the server). */
function shown(q: TQuestion, all: TQuestion[], a: Record<string, TAnswer>): boolean {
  if (!q.showIf) return true;
  const dep = all.find((x) => x.id === q.showIf!.questionId);
  if (!dep || !shown(dep, all, a)) return false;
  const v = a[dep.id];
  if (v === undefined) return false;
  const vals = q.showIf.values.map(String);
  return Array.isArray(v) ? v.some((x) => vals.includes(x)) : vals.includes(String(v));
}

const zhTitle = (s: string): string => s.split(' / ')[0] ?? s;

/** The owner's survey behind a tokenised link: no login, one screen, big touch targets, Chinese. */
function SurveyPage({ token }: { token: string }) {
  const [state, setState] = useState<TState>({ kind: 'loading' });
  const [answers, setAnswers] = useState<Record<string, TAnswer>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [sending, setSending] = useState(false);
  useEffect(() => {
    void fetch(`/api/v1/s/${encodeURIComponent(token)}`).then(async (r) => {
      const body = (await r.json()) as Wire<TPublicSurvey> & { title?: string };
      if (r.ok) setState({ kind: 'ready', survey: body });
      else setState({ kind: 'gone', title: zhTitle(body.title ?? '问卷不存在') });
    });
  }, [token]);
  if (state.kind === 'loading') return <div className="sv-page" />;
  if (state.kind === 'gone') return <Result status="info" title={state.title} description="如有问题请联系门店" />;
  if (state.kind === 'done') return <Result status="success" title="提交成功" description={zhTitle(state.thanks)} />;
  const s = state.survey;
  const visible = s.questions.filter((q) => shown(q, s.questions, answers));
  const set = (id: string, v: TAnswer | undefined) => {
    const next = { ...answers };
    if (v === undefined || (Array.isArray(v) && v.length === 0) || v === '') delete next[id];
    else next[id] = v;
    setAnswers(next);
    setErrors({ ...errors, [id]: '' });
  };
  const submit = async () => {
    const missing = Object.fromEntries(visible.filter((q) => q.required && answers[q.id] === undefined).map((q) => [q.id, '请回答此题']));
    if (Object.keys(missing).length) return setErrors(missing);
    setSending(true);
    const payload = Object.fromEntries(visible.filter((q) => answers[q.id] !== undefined).map((q) => [q.id, answers[q.id]!]));
    const r = await fetch(`/api/v1/s/${encodeURIComponent(token)}/answers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ answers: payload }) });
    const body = (await r.json()) as { thanks?: string; title?: string; errors?: { path: string; message: string }[] };
    setSending(false);
    if (r.ok) setState({ kind: 'done', thanks: body.thanks ?? '' });
    else if (r.status === 400) setErrors(Object.fromEntries((body.errors ?? []).map((e) => [e.path.split('.').at(-1)!, zhTitle(e.message)])));
    else setState({ kind: 'gone', title: zhTitle(body.title ?? '提交失败') });
  };
  return (
    <div className="sv-page">
      <header className="sv-head">
        <div className="sv-store">{s.storeName}</div>
        <h1>{s.name}</h1>
        {s.intro && <p>{s.intro}</p>}
      </header>
      {visible.map((q, i) => (
        <section key={q.id} className="sv-q" data-testid={`q-${q.id}`}>
          <h2>
            {i + 1}. {q.label}
            {q.required && <span className="sv-req">*</span>}
          </h2>
          {q.kind === 'nps' && (
            <>
              <div className="sv-nps" role="radiogroup" aria-label={q.label}>
                {Array.from({ length: 11 }, (_, n) => (
                  <button key={n} type="button" role="radio" aria-checked={answers[q.id] === n} className={answers[q.id] === n ? 'on' : ''} onClick={() => set(q.id, n)}>
                    {n}
                  </button>
                ))}
              </div>
              <div className="sv-scale">
                <span>完全不可能</span>
                <span>非常可能</span>
              </div>
            </>
          )}
          {q.kind === 'csat' && <Rate count={5} value={typeof answers[q.id] === 'number' ? (answers[q.id] as number) : 0} onChange={(v) => set(q.id, v || undefined)} style={{ '--star-size': '36px' }} />}
          {(q.kind === 'single' || q.kind === 'multiple') && (
            <Selector
              columns={2}
              multiple={q.kind === 'multiple'}
              options={q.options.map((o) => ({ value: o.value, label: o.label }))}
              value={Array.isArray(answers[q.id]) ? (answers[q.id] as string[]) : typeof answers[q.id] === 'string' ? [answers[q.id] as string] : []}
              onChange={(v) => set(q.id, q.kind === 'multiple' ? v : v[0])}
            />
          )}
          {q.kind === 'text' && <TextArea rows={3} maxLength={2000} showCount placeholder="请输入" value={(answers[q.id] as string) ?? ''} onChange={(v) => set(q.id, v)} />}
          {errors[q.id] && <div className="sv-err">{errors[q.id]}</div>}
        </section>
      ))}
      <div className="sv-foot">
        <Button block color="primary" size="large" loading={sending} onClick={() => void submit()} data-testid="survey-submit">
          提交
        </Button>
      </div>
    </div>
  );
}

export function mount(root: Root) {
  const token = window.location.pathname.replace(/^\/s\//, '').replace(/\/$/, '');
  document.title = '满意度调查';
  root.render(
    <StrictMode>
      <ConfigProvider locale={zhCN}>
        <SurveyPage token={token} />
      </ConfigProvider>
    </StrictMode>,
  );
}

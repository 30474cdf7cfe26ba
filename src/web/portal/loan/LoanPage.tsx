import { Input, Selector } from 'antd-mobile';
import { useEffect, useMemo, useRef, useState } from 'react';
import { LOAN_MIN_PRINCIPAL_FEN, LOAN_TERMS, loanQuote, type TLoanInput } from '../../../contracts/loan';
import { useRecordLoanQuote } from '../api';
import { Screen } from '../components';
import { money } from '../format';
import { usePortalT } from '../lang';

const DOWN_PCTS = [0, 10, 20, 30, 40, 50] as const;

/** Yuan text → fen, or null. */
function yuanToFen(s: string): number | null {
  const v = s.replace(/[,\s¥]/g, '');
  if (!/^\d{1,9}(\.\d{0,2})?$/.test(v)) return null;
  return Math.round(Number(v) * 100);
}

/**
 * The loan calculator: price, down payment share, term and annual rate → the monthly payment, computed as the owner
 * types with the same function as the server; a finished calculation is recorded (the store sees the interest).
 */
export default function LoanPage() {
  const { t, lang } = usePortalT();
  const [price, setPrice] = useState('199800');
  const [downPct, setDownPct] = useState<number>(30);
  const [term, setTerm] = useState<number>(36);
  const [rate, setRate] = useState('3.5');
  const record = useRecordLoanQuote();
  const recorded = useRef('');

  const input = useMemo<TLoanInput | null>(() => {
    const priceFen = yuanToFen(price);
    const annualRatePct = Number(rate);
    if (!priceFen || priceFen <= 0 || !/^\d{1,2}(\.\d{1,3})?$/.test(rate.trim()) || annualRatePct > 36) return null;
    return { priceFen, downPaymentFen: Math.round((priceFen * downPct) / 100), annualRatePct, termMonths: term };
  }, [price, downPct, term, rate]);
  const principal = input ? input.priceFen - input.downPaymentFen : 0;
  const tooSmall = !!input && principal > 0 && principal < LOAN_MIN_PRINCIPAL_FEN;
  const quote = input && !tooSmall ? loanQuote(input) : null;

  // Record a calculation once the owner has stopped changing it for a moment.
  const { mutate } = record;
  useEffect(() => {
    if (!input || !quote || principal === 0) return;
    const sig = JSON.stringify(input);
    const h = window.setTimeout(() => {
      if (recorded.current === sig) return;
      recorded.current = sig;
      mutate(input);
    }, 1500);
    return () => window.clearTimeout(h);
  }, [input, quote, principal, mutate]);

  return (
    <Screen back title={t('portal.loan.title')}>
      <div className="pt-page">
        <div className="pt-card" style={{ textAlign: 'center' }} aria-live="polite">
          <div className="pt-muted">{t('portal.loan.monthly')}</div>
          <div className="pt-big pt-num" data-testid="loan-monthly">
            {quote ? money(quote.monthlyPaymentFen, lang) : '—'}
          </div>
          {quote && quote.lastPaymentFen !== quote.monthlyPaymentFen && <div className="pt-muted">{t('portal.loan.lastPayment', { amount: money(quote.lastPaymentFen, lang) })}</div>}
          <div className="pt-kv" style={{ marginTop: 16, textAlign: 'left', gridTemplateColumns: '1fr 1fr 1fr' }}>
            <div>
              <span>{t('portal.loan.principal')}</span>
              <b className="pt-num">{quote ? money(quote.principalFen, lang) : '—'}</b>
            </div>
            <div>
              <span>{t('portal.loan.interest')}</span>
              <b className="pt-num" data-testid="loan-interest">
                {quote ? money(quote.totalInterestFen, lang) : '—'}
              </b>
            </div>
            <div>
              <span>{t('portal.loan.repayment')}</span>
              <b className="pt-num">{quote ? money(quote.totalRepaymentFen, lang) : '—'}</b>
            </div>
          </div>
          {!input && <p className="pt-error">{t('portal.loan.invalid')}</p>}
          {tooSmall && <p className="pt-error">{t('portal.loan.tooSmall')}</p>}
        </div>
        <div className="pt-card">
          <div className="pt-field">
            <label htmlFor="loan-price">{t('portal.loan.price')}</label>
            <div className="pt-input-box">
              <Input id="loan-price" inputMode="decimal" value={price} onChange={setPrice} placeholder={t('portal.loan.pricePlaceholder')} clearable />
            </div>
          </div>
          <div className="pt-field">
            <label>
              {t('portal.loan.down')}
              {input && <span className="pt-muted"> · {t('portal.loan.downAmount', { amount: money(input.downPaymentFen, lang) })}</span>}
            </label>
            <Selector columns={3} value={[downPct]} onChange={(v) => v[0] !== undefined && setDownPct(v[0])} options={DOWN_PCTS.map((p) => ({ value: p, label: `${p}%` }))} style={{ '--border-radius': '10px', '--padding': '10px 4px' }} />
          </div>
          <div className="pt-field">
            <label>{t('portal.loan.term')}</label>
            <Selector columns={3} value={[term]} onChange={(v) => v[0] && setTerm(v[0])} options={LOAN_TERMS.map((n) => ({ value: n, label: t('portal.loan.months', { n }) }))} style={{ '--border-radius': '10px', '--padding': '10px 4px' }} />
          </div>
          <div className="pt-field" style={{ marginBottom: 4 }}>
            <label htmlFor="loan-rate">{t('portal.loan.rate')}</label>
            <div className="pt-input-box">
              <Input id="loan-rate" inputMode="decimal" value={rate} onChange={setRate} placeholder={t('portal.loan.ratePlaceholder')} />
            </div>
          </div>
          <p className="pt-hint">{t('portal.loan.method')}</p>
        </div>
      </div>
    </Screen>
  );
}

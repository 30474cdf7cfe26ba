import type { PortalRepairOrder } from '../api';
import { money } from '../format';
import { usePortalT } from '../lang';

/** The charges of a repair order: each item, labour, parts and the total. */
export function RoCharges({ ro }: { ro: PortalRepairOrder }) {
  const { t, lang } = usePortalT();
  return (
    <div className="pt-card" data-testid="ro-charges">
      <div className="pt-card-title">{t('portal.cars.amounts')}</div>
      {ro.items.map((it, i) => (
        <div className="pt-row" key={`${it.name}-${i}`}>
          <span>
            {it.name}
            {it.quantity !== 1 && <span className="pt-muted"> × {it.quantity}</span>}
          </span>
          <span className="pt-num">{money(it.amountFen, lang)}</span>
        </div>
      ))}
      <div style={{ borderTop: '1px dashed #e3e6eb', margin: '12px 0 10px' }} />
      <div className="pt-row pt-muted">
        <span>{t('portal.cars.labour')}</span>
        <span className="pt-num">{money(ro.labourFen, lang)}</span>
      </div>
      <div className="pt-row pt-muted">
        <span>{t('portal.cars.parts')}</span>
        <span className="pt-num">{money(ro.partsFen, lang)}</span>
      </div>
      <div className="pt-row" style={{ marginTop: 10 }}>
        <b>{t('portal.cars.total')}</b>
        <b className="pt-num" style={{ fontSize: 18 }} data-testid="ro-total">
          {money(ro.totalFen, lang)}
        </b>
      </div>
    </div>
  );
}

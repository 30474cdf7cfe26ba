import { ProgressBar, Steps } from 'antd-mobile';
import { CheckCircleFill, ClockCircleFill } from 'antd-mobile-icons';
import type { PortalRepairOrder, PortalSalesOrder } from '../api';
import { dateTime } from '../format';
import { usePortalT, type TPortalKey } from '../lang';

export const WORKSHOP_STAGES = ['booked', 'received', 'diagnosis', 'repair', 'qc', 'wash', 'ready', 'delivered'] as const;
export const DELIVERY_MILESTONES = ['ordered', 'inspection', 'transport', 'pdi', 'handover_prep', 'delivered'] as const;

interface TStepRow {
  key: string;
  at: string;
  note: string;
}

/**
 * The vertical steps of a repair order (预约 → … → 已交车) or a delivery (订车 → … → 交车): every step, the reached
 * ones with their time and note, the furthest one marked in progress until the last is reached. Skipped steps
 * (no wash requested) show as done without a time.
 */
function ProgressSteps({ order, rows, current, labels, testId }: { order: readonly string[]; rows: TStepRow[]; current: string; labels: (k: string) => string; testId: string }) {
  const { t } = usePortalT();
  const at = order.indexOf(current);
  const finished = at === order.length - 1;
  const byKey = new Map(rows.map((r) => [r.key, r]));
  // A booked stage is shown only when the order has one (walk-ins start at 接车).
  const keys = order.filter((k, i) => i >= 1 || byKey.has(k) || order[0] !== 'booked');
  return (
    <Steps direction="vertical" current={keys.indexOf(current)} className="pt-steps" data-testid={testId}>
      {keys.map((k) => {
        const i = order.indexOf(k);
        const row = byKey.get(k);
        const status = i < at || (i === at && finished) ? 'finish' : i === at ? 'process' : 'wait';
        return (
          <Steps.Step
            key={k}
            status={status}
            icon={status === 'finish' ? <CheckCircleFill /> : status === 'process' ? <ClockCircleFill /> : undefined}
            title={
              <span data-testid={`${testId}-${k}`} data-status={status}>
                {labels(k)}
                {status === 'process' && <span className="pt-muted"> · {t('portal.cars.stageNow')}</span>}
              </span>
            }
            description={
              row ? (
                <>
                  <span className="pt-num">{dateTime(row.at)}</span>
                  {row.note && <div className="pt-step-note">{row.note}</div>}
                </>
              ) : status === 'finish' ? (
                t('portal.cars.stageDone')
              ) : null
            }
          />
        );
      })}
    </Steps>
  );
}

export function WorkshopSteps({ ro }: { ro: Pick<PortalRepairOrder, 'stage' | 'stages'> }) {
  const { t } = usePortalT();
  return (
    <ProgressSteps
      order={WORKSHOP_STAGES}
      rows={ro.stages.map((s) => ({ key: s.stage, at: s.at, note: s.note }))}
      current={ro.stage}
      labels={(k) => t(`portal.stages.${k}` as TPortalKey)}
      testId="workshop-steps"
    />
  );
}

export function DeliverySteps({ order }: { order: Pick<PortalSalesOrder, 'milestone' | 'milestones'> }) {
  const { t } = usePortalT();
  return (
    <ProgressSteps
      order={DELIVERY_MILESTONES}
      rows={order.milestones.map((m) => ({ key: m.milestone, at: m.at, note: m.note }))}
      current={order.milestone}
      labels={(k) => t(`portal.milestones.${k}` as TPortalKey)}
      testId="delivery-steps"
    />
  );
}

/** A thin bar of how far along the order is (home screen). */
export function StageBar({ order, current }: { order: readonly string[]; current: string }) {
  const i = Math.max(0, order.indexOf(current));
  return <ProgressBar percent={Math.round(((i + 1) / order.length) * 100)} style={{ '--track-width': '6px', '--fill-color': 'var(--adm-color-primary)' }} />;
}

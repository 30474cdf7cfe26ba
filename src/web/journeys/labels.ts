import { useTranslation } from 'react-i18next';
import { DATE_FIELDS, TRIGGER_EVENTS, type TTrigger } from '../../contracts/journeys';
import type { JourneyCatalogue } from './api';

type TLabelled = { key: string; zh: string; en: string };
const pick = (xs: readonly TLabelled[], key: string, en: boolean) => {
  const x = xs.find((o) => o.key === key);
  return x ? (en ? x.en : x.zh) : key;
};

/** The trigger in words ("保险到期前 60 天", "Car delivered + 7 days"). */
export function useDescribeTrigger() {
  const { t, i18n } = useTranslation();
  const en = i18n.language === 'en-US';
  return (tr: TTrigger): string => {
    switch (tr.kind) {
      case 'daily':
        return t('journeys.trigger.daily', { period: t(`journeys.periods.${tr.period}`) });
      case 'annual_date':
        return t('journeys.trigger.annual', { month: tr.month, day: tr.day });
      case 'event':
        return t('journeys.trigger.event', { event: pick(TRIGGER_EVENTS, tr.eventType, en), delay: tr.delayDays ? t('journeys.trigger.delay', { n: tr.delayDays }) : '' });
      case 'date_offset': {
        const offset = tr.offsetDays === 0 ? t('journeys.trigger.sameDay') : tr.offsetDays < 0 ? t('journeys.trigger.before', { n: -tr.offsetDays }) : t('journeys.trigger.after', { n: tr.offsetDays });
        return t('journeys.trigger.dateOffset', { field: pick(DATE_FIELDS, tr.field, en), offset });
      }
    }
  };
}

/** A labelled option of the catalogue in the UI language. */
export function useOptionLabel() {
  const { i18n } = useTranslation();
  const en = i18n.language === 'en-US';
  return (o: { zh: string; en: string }) => (en ? o.en || o.zh : o.zh);
}

export function actionLabel(cat: JourneyCatalogue | undefined, kind: string, en: boolean): string {
  const a = cat?.actions.find((x) => x.kind === kind);
  return a ? (en ? a.en : a.zh) : kind;
}

import { Button, Selector, TextArea, Toast } from 'antd-mobile';
import { useEffect, useMemo, useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { newIdempotencyKey } from '../../lib/idempotency';
import { ApiError } from '../api/client';
import { useAppointments, useAvailability, useBook, useGarage, useReschedule, type Availability } from '../api';
import { Empty, Failed, PageSkeleton, Screen } from '../components';
import { daysUntil, monthDay, todayLocal, weekdayShort } from '../format';
import { usePortalT, type TPortalKey } from '../lang';

/** What an owner can book (accident repairs go through the insurer's report first, not a slot). */
const KINDS = ['maintenance', 'first_service', 'repair', 'inspection', 'warranty', 'recall'] as const;
type TKind = (typeof KINDS)[number];

type TDay = Availability['days'][number];

function DayChips({ days, value, onChange }: { days: TDay[]; value: string | null; onChange: (d: string) => void }) {
  const { t, lang } = usePortalT();
  return (
    <div className="pt-days" role="group" aria-label={t('portal.book.day')}>
      {days.map((d) => {
        const free = d.slots.some((s) => s.bookable);
        const rel = daysUntil(d.date);
        const top = rel === 0 ? t('portal.common.today') : rel === 1 ? t('portal.common.tomorrow') : weekdayShort(d.date, lang);
        return (
          <button key={d.date} type="button" className="pt-day" aria-pressed={value === d.date} disabled={!free} onClick={() => onChange(d.date)} data-testid={`day-${d.date}`}>
            {top}
            <b>{monthDay(d.date)}</b>
            <span style={{ fontSize: 11 }}>{d.closed ? t('portal.book.closed') : free ? '' : t('portal.book.full')}</span>
          </button>
        );
      })}
    </div>
  );
}

function SlotGrid({ day, value, onChange }: { day: TDay; value: string | null; onChange: (s: string) => void }) {
  const { t } = usePortalT();
  const slots = day.slots.filter((s) => s.bookable || s.available === 0);
  if (!day.slots.some((s) => s.bookable)) return <p className="pt-muted">{t('portal.book.noSlots')}</p>;
  return (
    <div className="pt-slots" role="group" aria-label={t('portal.book.slot')}>
      {slots.map((s) => (
        <button key={s.start} type="button" className="pt-slot" aria-pressed={value === s.start} disabled={!s.bookable} onClick={() => onChange(s.start)} data-testid={`slot-${s.time}`}>
          {s.time}
          <small>{s.available === 0 ? t('portal.book.full') : t('portal.book.left', { n: s.available })}</small>
        </button>
      ))}
    </div>
  );
}

/** Book a visit (car → service → day → time → note), or, with an appointment id, move one to another time. */
export default function BookPage() {
  const { id } = useParams();
  const [params] = useSearchParams();
  const { t, localize } = usePortalT();
  const navigate = useNavigate();
  const garage = useGarage();
  const mine = useAppointments();
  const moving = id ? mine.data?.items.find((a) => a.id === id) : undefined;
  const cars = useMemo(() => (garage.data?.vehicles ?? []).filter((v) => v.status === 'in_use'), [garage.data]);
  const [vehicleId, setVehicleId] = useState<string | undefined>(params.get('vehicleId') ?? undefined);
  const [kind, setKind] = useState<TKind>((KINDS as readonly string[]).includes(params.get('kind') ?? '') ? (params.get('kind') as TKind) : 'maintenance');
  const [day, setDay] = useState<string | null>(null);
  const [slot, setSlot] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [key] = useState(newIdempotencyKey);
  const book = useBook();
  const reschedule = useReschedule();

  const carId = moving?.vehicle.id ?? vehicleId ?? cars[0]?.id;
  const availability = useAvailability(carId, todayLocal());
  const days = availability.data?.days ?? [];
  const chosenDay = days.find((d) => d.date === day) ?? days.find((d) => d.slots.some((s) => s.bookable));

  useEffect(() => {
    if (moving) setKind(moving.kind as TKind);
  }, [moving]);

  if (garage.isPending || (id && mine.isPending)) return <Screen back title={t('portal.book.title')}><PageSkeleton /></Screen>;
  if (garage.isError) return <Screen back title={t('portal.book.title')}><Failed error={garage.error} onRetry={() => void garage.refetch()} /></Screen>;
  if (cars.length === 0) {
    return (
      <Screen back title={t('portal.book.title')}>
        <div className="pt-page">
          <Empty title={t('portal.cars.empty')} hint={t('portal.book.noCar')} />
        </div>
      </Screen>
    );
  }

  const fail = (e: unknown) => {
    if (e instanceof ApiError && e.type.endsWith('/slot-full')) {
      Toast.show({ icon: 'fail', content: t('portal.book.slotTaken') });
      setSlot(null);
      void availability.refetch();
      return;
    }
    Toast.show({ icon: 'fail', content: e instanceof ApiError ? localize(e.status === 400 && e.errors[0] ? e.errors[0].message : e.title) : t('portal.common.networkError') });
  };

  const submit = () => {
    if (!slot || !carId) {
      Toast.show({ content: t('portal.book.pickSlot') });
      return;
    }
    if (moving) {
      reschedule.mutate(
        { id: moving.id, slotStart: slot },
        {
          onSuccess: () => {
            Toast.show({ icon: 'success', content: t('portal.book.rescheduled') });
            void navigate('/portal/appointments', { replace: true });
          },
          onError: fail,
        },
      );
      return;
    }
    book.mutate(
      { vehicleId: carId, kind, slotStart: slot, note: note.trim() || undefined, idempotencyKey: key },
      {
        onSuccess: () => {
          Toast.show({ icon: 'success', content: t('portal.book.done') });
          void navigate('/portal/appointments', { replace: true });
        },
        onError: fail,
      },
    );
  };

  return (
    <Screen back title={moving ? t('portal.book.rescheduleTitle') : t('portal.book.title')}>
      <div className="pt-page">
        {!moving && (
          <>
            <div className="pt-card">
              <div className="pt-card-title">{t('portal.book.car')}</div>
              <Selector
                columns={1}
                value={carId ? [carId] : []}
                onChange={(v) => {
                  if (v[0]) {
                    setVehicleId(v[0]);
                    setSlot(null);
                  }
                }}
                options={cars.map((c) => ({ value: c.id, label: `${c.plate ?? t('portal.common.noPlate')}  ${c.modelName ?? ''}` }))}
                style={{ '--border-radius': '10px', '--padding': '12px 14px' }}
              />
            </div>
            <div className="pt-card">
              <div className="pt-card-title">{t('portal.book.kind')}</div>
              <Selector
                columns={3}
                value={[kind]}
                onChange={(v) => v[0] && setKind(v[0])}
                options={KINDS.map((k) => ({ value: k, label: t(`portal.kinds.${k}` as TPortalKey) }))}
                style={{ '--border-radius': '10px', '--padding': '12px 4px' }}
              />
            </div>
          </>
        )}
        <div className="pt-card">
          <div className="pt-card-title">{t('portal.book.day')}</div>
          {availability.isPending ? (
            <p className="pt-muted">{t('portal.common.loading')}</p>
          ) : availability.isError ? (
            <p className="pt-error">{availability.error instanceof ApiError ? localize(availability.error.title) : t('portal.common.networkError')}</p>
          ) : (
            <DayChips
              days={days}
              value={chosenDay?.date ?? null}
              onChange={(d) => {
                setDay(d);
                setSlot(null);
              }}
            />
          )}
        </div>
        {chosenDay && (
          <div className="pt-card">
            <div className="pt-card-title">{t('portal.book.slot')}</div>
            <SlotGrid day={chosenDay} value={slot} onChange={setSlot} />
          </div>
        )}
        {!moving && (
          <div className="pt-card">
            <div className="pt-card-title">{t('portal.book.note')}</div>
            <TextArea value={note} onChange={setNote} placeholder={t('portal.book.notePlaceholder')} maxLength={500} rows={2} showCount aria-label={t('portal.book.note')} />
          </div>
        )}
      </div>
      <div className="pt-bottom-bar">
        <Button block color="primary" size="large" style={{ borderRadius: 12 }} disabled={!slot} loading={book.isPending || reschedule.isPending} onClick={submit} data-testid="book-submit">
          {moving ? t('portal.book.submitReschedule') : t('portal.book.submit')}
        </Button>
      </div>
    </Screen>
  );
}

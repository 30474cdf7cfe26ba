import { CalendarOutlined, CheckOutlined, DownOutlined, LeftOutlined, PlusOutlined, RightOutlined, SettingOutlined } from '@ant-design/icons';
import { App, Button, Card, DatePicker, Dropdown, Empty, Input, Progress, Segmented, Skeleton, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { WEEKDAYS } from '../../../contracts/appointments';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { dayjs, getDisplayTimezone, today } from '../../lib/format';
import { useAppointmentList, useAppointmentSettings, useAvailability, useCancelAppointment, useMarkNoShow, type Appointment, type Availability } from './api';
import './appointments.css';
import { BookModal, CheckInModal } from './modals';
import { SettingsDrawer } from './SettingsDrawer';

const STATUS_COLOR: Record<string, string> = { booked: 'blue', checked_in: 'green', no_show: 'red', cancelled: 'default' };
const KIND_COLOR: Record<string, string> = { first_service: 'green', maintenance: 'blue', repair: 'orange', warranty: 'cyan', accident: 'red', recall: 'magenta', inspection: 'default' };

const timeOf = (iso: string) => dayjs(iso).tz(getDisplayTimezone()).format('HH:mm');
const mondayOf = (d: string) => {
  const x = dayjs(d);
  return x.subtract((x.day() + 6) % 7, 'day').format('YYYY-MM-DD');
};

function AppointmentCard({ a, onCheckIn, onMove }: { a: Appointment; onCheckIn: (a: Appointment) => void; onMove: (a: Appointment) => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const { modal, message } = App.useApp();
  const noShow = useMarkNoShow();
  const cancel = useCancelAppointment();
  const started = dayjs(a.slotStart).isBefore(dayjs());
  const askCancel = () => {
    let reason = '';
    void modal.confirm({
      title: t('appointments.cancelConfirm', { name: a.customer.name, time: timeOf(a.slotStart) }),
      content: <Input placeholder={t('appointments.cancelReason')} maxLength={200} onChange={(e) => (reason = e.target.value)} />,
      okText: t('appointments.actions.cancel'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () =>
        cancel.mutateAsync({ id: a.id, reason: reason.trim() || undefined }).then(
          () => void message.success(t('appointments.cancelled')),
          (e: unknown) => void message.error(applyApiError(undefined, e)),
        ),
    });
  };
  const askNoShow = () =>
    void modal.confirm({
      title: t('appointments.noShowConfirm', { name: a.customer.name }),
      okText: t('appointments.actions.noShow'),
      cancelText: t('common.cancel'),
      onOk: () =>
        noShow.mutateAsync(a.id).then(
          () => void message.success(t('appointments.markedNoShow')),
          (e: unknown) => void message.error(applyApiError(undefined, e)),
        ),
    });
  const more = [
    can('appointments.book') && a.status === 'booked' ? { key: 'move', label: t('appointments.actions.reschedule') } : null,
    can('appointments.checkin') && a.status === 'booked' && started ? { key: 'noShow', label: t('appointments.actions.noShow') } : null,
    can('appointments.book') && a.status === 'booked' ? { key: 'cancel', label: t('appointments.actions.cancel'), danger: true } : null,
  ].filter((x): x is NonNullable<typeof x> => x !== null);
  return (
    <div className={`ap-card ap-${a.status}`} data-testid="appointment-card" data-status={a.status}>
      <div className="ap-card-main">
        <Link to={`/customers/${a.customer.id}`} className="ap-name">
          {a.customer.name}
        </Link>
        <Tag className="ap-plate">{a.vehicle.plate ?? a.vehicle.vin.slice(-6)}</Tag>
        <Tag color={KIND_COLOR[a.kind]}>{t(`roKinds.${a.kind}`)}</Tag>
        <Tag color={STATUS_COLOR[a.status]} variant="solid" data-testid="appointment-status">
          {t(`appointments.status.${a.status}`)}
        </Tag>
        {a.source === 'portal' && <Tag color="geekblue">{t('appointments.source.portal')}</Tag>}
        {a.customerNoShows > 0 && (
          <Tooltip title={t('appointments.noShows', { n: a.customerNoShows })}>
            <Tag color="volcano">{t('appointments.noShows', { n: a.customerNoShows })}</Tag>
          </Tooltip>
        )}
      </div>
      {(a.note || a.vehicle.modelName) && (
        <div className="ap-card-sub">
          {a.vehicle.modelName}
          {a.note && <> · {a.note}</>}
          {a.advisor && <> · {a.advisor.displayName}</>}
        </div>
      )}
      <div className="ap-card-actions">
        {a.status === 'booked' && a.localDate === today() && can('appointments.checkin') && (
          <Button size="small" type="primary" icon={<CheckOutlined />} onClick={() => onCheckIn(a)} data-testid="check-in">
            {t('appointments.actions.checkIn')}
          </Button>
        )}
        {a.status === 'checked_in' && a.repairOrderId && (
          <Link to={`/customers/${a.customer.id}?tab=service`}>
            <Button size="small">{t('appointments.actions.openRo')}</Button>
          </Link>
        )}
        {more.length > 0 && (
          <Dropdown
            trigger={['click']}
            menu={{
              items: more,
              onClick: ({ key }) => (key === 'move' ? onMove(a) : key === 'noShow' ? askNoShow() : askCancel()),
            }}
          >
            <Button size="small" type="text">
              <DownOutlined />
            </Button>
          </Dropdown>
        )}
      </div>
    </div>
  );
}

function DayBoard({ day, items, onBook, onCheckIn, onMove }: { day: Availability['days'][number]; items: Appointment[]; onBook: (slotStart?: string) => void; onCheckIn: (a: Appointment) => void; onMove: (a: Appointment) => void }) {
  const { t } = useTranslation();
  const { can } = useSession();
  const bySlot = new Map<string, Appointment[]>();
  const live = items.filter((a) => a.status !== 'cancelled');
  for (const a of live) bySlot.set(a.slotStart, [...(bySlot.get(a.slotStart) ?? []), a]);
  const slotStarts = new Set(day.slots.map((s) => s.start));
  const other = live.filter((a) => !slotStarts.has(a.slotStart));
  if (day.closed && live.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={<>{t('appointments.closed')}<br />{t('appointments.closedHint')}</>} />;
  return (
    <div className="ap-board" data-testid="day-board">
      {day.slots.map((s) => {
        const list = bySlot.get(s.start) ?? [];
        const pct = s.capacity ? Math.round((s.booked / s.capacity) * 100) : 100;
        return (
          <div className="ap-row" key={s.start} data-testid={`slot-${s.time}`}>
            <div className="ap-time bk-num">{s.time}</div>
            <div className="ap-cap">
              <Progress percent={pct} size="small" showInfo={false} strokeColor={pct >= 100 ? '#d4380d' : undefined} />
              <span className="bk-num">{s.available === 0 ? t('appointments.full') : t('appointments.free', { n: s.available })}</span>
            </div>
            <div className="ap-cards">
              {list.length === 0 ? <span className="bk-muted">{t('appointments.emptySlot')}</span> : list.map((a) => <AppointmentCard key={a.id} a={a} onCheckIn={onCheckIn} onMove={onMove} />)}
            </div>
            <div className="ap-add">
              {can('appointments.book') && (
                <Tooltip title={t('appointments.book')}>
                  <Button size="small" type="dashed" icon={<PlusOutlined />} disabled={!s.bookable} onClick={() => onBook(s.start)} aria-label={`${t('appointments.book')} ${s.time}`} />
                </Tooltip>
              )}
            </div>
          </div>
        );
      })}
      {other.map((a) => (
        <div className="ap-row" key={a.id}>
          <div className="ap-time bk-num">{timeOf(a.slotStart)}</div>
          <div className="ap-cap" />
          <div className="ap-cards">
            <AppointmentCard a={a} onCheckIn={onCheckIn} onMove={onMove} />
          </div>
          <div className="ap-add" />
        </div>
      ))}
    </div>
  );
}

function WeekBoard({ availability, items, onOpenDay }: { availability: Availability; items: Appointment[]; onOpenDay: (d: string) => void }) {
  const { t, i18n } = useTranslation();
  const times = [...new Set(availability.days.flatMap((d) => d.slots.map((s) => s.time)))].sort();
  const live = items.filter((a) => a.status !== 'cancelled');
  const rows = times.map((time) => ({ key: time, time }));
  return (
    <Table
      size="small"
      bordered
      pagination={false}
      className="ap-week"
      rowKey="key"
      scroll={{ x: 980 }}
      dataSource={rows}
      columns={[
        { title: '', dataIndex: 'time', width: 64, fixed: 'left', render: (v: string) => <span className="bk-num">{v}</span> },
        ...availability.days.map((d) => {
          const count = live.filter((a) => a.localDate === d.date).length;
          return {
            key: d.date,
            title: (
              <button type="button" className="ap-week-head" onClick={() => onOpenDay(d.date)}>
                {i18n.language === 'en-US' ? WEEKDAYS[d.weekday]!.en : WEEKDAYS[d.weekday]!.zh} {d.date.slice(5)}
                <small>{d.closed ? t('appointments.closed') : t('appointments.dayTotal', { n: count })}</small>
              </button>
            ),
            render: (_: unknown, r: { time: string }) => {
              const slot = d.slots.find((s) => s.time === r.time);
              if (!slot) return null;
              const here = live.filter((a) => a.slotStart === slot.start);
              return (
                <div className={`ap-week-cell${slot.available === 0 ? ' full' : ''}${slot.booked === 0 ? ' empty' : ''}`} onClick={() => onOpenDay(d.date)}>
                  <span className="bk-num">{t('appointments.booked', { n: slot.booked, capacity: slot.capacity })}</span>
                  {here.slice(0, 2).map((a) => (
                    <div key={a.id} className={`ap-week-name ap-week-${a.status}`} title={t(`appointments.status.${a.status}`)}>
                      {a.customer.name}
                    </div>
                  ))}
                  {here.length > 2 && <div className="bk-muted">+{here.length - 2}</div>}
                </div>
              );
            },
          };
        }),
      ]}
    />
  );
}

/** The service desk's board: a day (or week) of the store's slots with their bookings; book, check in, no-show, settings. */
export default function AppointmentsPage() {
  const { t } = useTranslation();
  const { storeId, storeName, can } = useSession();
  const [params, setParams] = useSearchParams();
  const view = params.get('view') === 'week' ? 'week' : 'day';
  const date = /^\d{4}-\d{2}-\d{2}$/.test(params.get('date') ?? '') ? params.get('date')! : today();
  const from = view === 'week' ? mondayOf(date) : date;
  const to = dayjs(from)
    .add(view === 'week' ? 6 : 0, 'day')
    .format('YYYY-MM-DD');
  const settings = useAppointmentSettings(storeId);
  const availability = useAvailability(storeId, from, view === 'week' ? 7 : 1);
  const list = useAppointmentList(storeId, from, to);
  const [booking, setBooking] = useState<{ date?: string; slotStart?: string } | null>(null);
  const [moving, setMoving] = useState<Appointment | null>(null);
  const [checkingIn, setCheckingIn] = useState<Appointment | null>(null);
  const [editing, setEditing] = useState(false);

  const go = (next: { view?: string; date?: string }) => {
    const p = new URLSearchParams(params);
    if (next.view) p.set('view', next.view);
    if (next.date) p.set('date', next.date);
    setParams(p, { replace: true });
  };
  const step = (n: number) => go({ date: dayjs(date).add(n * (view === 'week' ? 7 : 1), 'day').format('YYYY-MM-DD') });

  const items = useMemo(() => list.data?.items ?? [], [list.data]);
  const counts = useMemo(
    () => ({
      total: items.filter((a) => a.status !== 'cancelled').length,
      booked: items.filter((a) => a.status === 'booked').length,
      arrived: items.filter((a) => a.status === 'checked_in').length,
      noShow: items.filter((a) => a.status === 'no_show').length,
    }),
    [items],
  );
  const s = settings.data;
  const subtitle = s ? t('appointments.subtitle', { store: storeName(storeId), capacity: s.capacity, bays: s.bays, technicians: s.technicians }) : undefined;

  if (!storeId) {
    return (
      <>
        <PageHeader title={t('appointments.title')} />
        <Card>
          <Empty description={t('appointments.pickStore')} />
        </Card>
      </>
    );
  }

  return (
    <>
      <PageHeader
        title={t('appointments.title')}
        subtitle={subtitle}
        extra={
          <>
            {can('appointments.book') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setBooking({ date })} data-testid="new-appointment">
                {t('appointments.book')}
              </Button>
            )}
            {can('appointments.settings') && (
              <Button icon={<SettingOutlined />} onClick={() => setEditing(true)}>
                {t('appointments.settings')}
              </Button>
            )}
          </>
        }
      />
      <div className="bk-toolbar">
        <Segmented
          value={view}
          onChange={(v) => go({ view: String(v) })}
          options={[
            { value: 'day', label: t('appointments.day') },
            { value: 'week', label: t('appointments.week') },
          ]}
        />
        <Space.Compact>
          <Button icon={<LeftOutlined />} onClick={() => step(-1)} aria-label={view === 'week' ? t('appointments.prevWeek') : t('appointments.prev')} />
          <DatePicker
            value={dayjs(date)}
            onChange={(d) => d && go({ date: d.format('YYYY-MM-DD') })}
            allowClear={false}
            picker={view === 'week' ? 'week' : 'date'}
            suffixIcon={<CalendarOutlined />}
            aria-label={t('appointments.form.date')}
          />
          <Button icon={<RightOutlined />} onClick={() => step(1)} aria-label={view === 'week' ? t('appointments.nextWeek') : t('appointments.next')} />
        </Space.Compact>
        <Button onClick={() => go({ date: today() })}>{t('appointments.today')}</Button>
        <Typography.Text type="secondary" data-testid="board-summary">
          {t('appointments.summary', counts)}
        </Typography.Text>
      </div>
      <Card styles={{ body: { padding: view === 'week' ? 0 : '8px 16px' } }}>
        {availability.isError ? (
          <ErrorState error={availability.error} onRetry={() => void availability.refetch()} />
        ) : list.isError ? (
          <ErrorState error={list.error} onRetry={() => void list.refetch()} />
        ) : !availability.data || !list.data ? (
          <Skeleton active paragraph={{ rows: 10 }} />
        ) : view === 'week' ? (
          <WeekBoard availability={availability.data} items={items} onOpenDay={(d) => go({ view: 'day', date: d })} />
        ) : (
          <DayBoard day={availability.data.days[0]!} items={items} onBook={(slotStart) => setBooking({ date, slotStart })} onCheckIn={setCheckingIn} onMove={setMoving} />
        )}
      </Card>
      <BookModal open={!!booking} onClose={() => setBooking(null)} storeId={storeId} preset={booking ?? undefined} />
      <BookModal open={!!moving} onClose={() => setMoving(null)} storeId={storeId} appointment={moving ?? undefined} />
      <CheckInModal appointment={checkingIn} onClose={() => setCheckingIn(null)} />
      <SettingsDrawer open={editing} onClose={() => setEditing(false)} storeId={storeId} storeName={storeName(storeId)} />
    </>
  );
}


import { CommentOutlined, EditOutlined, MergeCellsOutlined, PlusSquareOutlined, SendOutlined } from '@ant-design/icons';
import { MemberTab } from '../../loyalty/member/MemberTab';
import { Alert, Badge, Button, Card, Col, Row, Skeleton, Space, Tabs } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams, useSearchParams } from 'react-router';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { SendMessageModal } from '../../messaging/components/SendMessageModal';
import { TaskFormModal } from '../../tasks/components/TaskFormModal';
import { useCustomer } from '../api';
import { CustomerFormDrawer } from '../components/CustomerFormDrawer';
import { BehaviourTab } from './BehaviourTab';
import { ConsentsCard } from './ConsentsCard';
import { FactsCard } from './FactsCard';
import { InteractionsTab, LogInteractionModal } from './InteractionsTab';
import { MessagesTab } from './MessagesTab';
import { MergeModal } from './MergeModal';
import { ProfileCard } from './ProfileCard';
import { RepairOrdersTab } from './RepairOrdersTab';
import { SalesOrdersTab } from './SalesOrdersTab';
import { CustomerComplaintsTab } from '../../complaints/components/CustomerComplaintsTab';
import { TasksTab, TasksTabLabel } from './TasksTab';
import { TimelineTab } from './TimelineTab';
import { VehiclesTab } from './VehiclesTab';
import { CustomerAppointmentsLabel, CustomerAppointmentsTab } from '../../service/appointments/CustomerAppointmentsTab';

const TABS = ['timeline', 'vehicles', 'sales', 'service', 'appointments', 'interactions', 'behaviour', 'tasks', 'messages'] as const;
type TabKey = (typeof TABS)[number];

function DetailSkeleton() {
  return (
    <>
      <Skeleton.Input active style={{ width: 200, marginBottom: 16 }} />
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card style={{ height: 220 }}>
            <Skeleton avatar active paragraph={{ rows: 4 }} />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Card style={{ height: 220 }}>
            <Skeleton active paragraph={{ rows: 4 }} title={false} />
          </Card>
        </Col>
      </Row>
      <Card style={{ marginTop: 16 }}>
        <Skeleton active paragraph={{ rows: 8 }} />
      </Card>
    </>
  );
}

/** The customer 360: profile, consents, and everything that happened, in tabs. */
export default function CustomerDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation();
  const { can } = useSession();
  const [params, setParams] = useSearchParams();
  const q = useCustomer(id);
  const [editing, setEditing] = useState(false);
  const [merging, setMerging] = useState(false);
  const [logging, setLogging] = useState(false);
  const [creatingTask, setCreatingTask] = useState(false);
  const [sending, setSending] = useState(false);
  const tab = (TABS as readonly string[]).includes(params.get('tab') ?? '') ? (params.get('tab') as TabKey) : 'timeline';

  if (q.isPending) return <DetailSkeleton />;
  if (q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const d = q.data;
  const c = d.customer;
  const count = (n: number) => (n > 0 ? <Badge count={n} size="small" color="#c9cdd4" style={{ marginInlineStart: 6 }} overflowCount={99} /> : null);

  return (
    <>
      <PageHeader
        crumbs={[{ title: t('nav.customers'), to: '/customers' }, { title: c.name }]}
        docTitle={c.name}
        title={t('customers.detail.title')}
        extra={
          <Space>
            {can('interactions.write') && (
              <Button icon={<CommentOutlined />} onClick={() => setLogging(true)} data-testid="log-interaction">
                {t('interactions.log')}
              </Button>
            )}
            {can('tasks.write') && c.status === 'active' && (
              <Button icon={<PlusSquareOutlined />} onClick={() => setCreatingTask(true)} data-testid="customer-new-task">
                {t('tasks.customerTab.new')}
              </Button>
            )}
            {can('messages.send') && c.status === 'active' && (
              <Button icon={<SendOutlined />} onClick={() => setSending(true)} data-testid="customer-send-message">
                {t('messaging.send.button')}
              </Button>
            )}
            {can('customers.write') && (
              <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
                {t('customers.detail.edit')}
              </Button>
            )}
            {can('customers.merge') && c.status === 'active' && (
              <Button icon={<MergeCellsOutlined />} onClick={() => setMerging(true)}>
                {t('merge.button')}
              </Button>
            )}
          </Space>
        }
      />
      {c.status === 'merged' && c.mergedIntoId && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('customers.detail.mergedInto')}
          action={<Link to={`/customers/${c.mergedIntoId}`}>{t('customers.detail.openSurvivor')}</Link>}
        />
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} xl={16}>
          <ProfileCard customer={c} tags={d.tags} />
        </Col>
        <Col xs={24} xl={8}>
          <ConsentsCard customerId={c.id} consents={d.consents} />
        </Col>
      </Row>
      {c.status === 'active' && <FactsCard customerId={c.id} />}
      <Card style={{ marginTop: 16 }} styles={{ body: { paddingTop: 4 } }}>
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            const next = new URLSearchParams(params);
            if (k === 'timeline') next.delete('tab');
            else next.set('tab', k);
            setParams(next, { replace: true });
          }}
          items={[
            { key: 'timeline', label: t('customers.tabs.timeline'), children: <TimelineTab data={d} /> },
            { key: 'vehicles', label: <span>{t('customers.tabs.vehicles')}{count(d.vehicles.length)}</span>, children: <VehiclesTab customerId={c.id} vehicles={d.vehicles} /> },
            { key: 'sales', label: <span>{t('customers.tabs.sales')}{count(d.salesOrders.length)}</span>, children: <SalesOrdersTab customerId={c.id} orders={d.salesOrders} vehicles={d.vehicles} /> },
            { key: 'service', label: <span>{t('customers.tabs.service')}{count(d.repairOrders.length)}</span>, children: <RepairOrdersTab customerId={c.id} orders={d.repairOrders} /> },
            { key: 'appointments', label: <CustomerAppointmentsLabel customerId={c.id} />, children: <CustomerAppointmentsTab customerId={c.id} /> },
            { key: 'interactions', label: <span>{t('customers.tabs.interactions')}{count(d.interactions.length)}</span>, children: <InteractionsTab customerId={c.id} interactions={d.interactions} /> },
            { key: 'behaviour', label: <span>{t('customers.tabs.behaviour')}{count(d.behaviourEvents.length)}</span>, children: <BehaviourTab events={d.behaviourEvents} /> },
            { key: 'tasks', label: <TasksTabLabel customerId={c.id} />, children: <TasksTab customerId={c.id} onCreate={() => setCreatingTask(true)} /> },
            { key: 'messages', label: t('messaging.customerTab.title'), children: <MessagesTab customerId={c.id} onSend={() => setSending(true)} /> },
            { key: 'member', label: t('loyalty.member.tab'), children: <MemberTab customerId={c.id} /> },
            ...(can('complaints.read') ? [{ key: 'complaints', label: t('voice.customerTab.title'), children: <CustomerComplaintsTab customerId={c.id} /> }] : []),
          ]}
        />
      </Card>
      <CustomerFormDrawer open={editing} onClose={() => setEditing(false)} customer={c} />
      <MergeModal open={merging} onClose={() => setMerging(false)} survivor={c} />
      <LogInteractionModal open={logging} onClose={() => setLogging(false)} customerId={c.id} />
      <TaskFormModal
        open={creatingTask}
        onClose={() => setCreatingTask(false)}
        customer={{ id: c.id, name: c.name, storeId: c.storeId, vehicles: d.vehicles.map((v) => ({ id: v.id, plate: v.plate, vin: v.vin, modelName: v.modelName })) }}
      />
      <SendMessageModal
        open={sending}
        onClose={() => setSending(false)}
        customer={{ id: c.id, name: c.name, storeId: c.storeId, vehicles: d.vehicles, consents: d.consents }}
      />
    </>
  );
}

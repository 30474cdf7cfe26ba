import { Button, Form, Input, List, Popup, Selector, Tag, TextArea, Toast } from 'antd-mobile';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { COMPLAINT_TYPES, type TComplaintType } from '../../../contracts/complaints';
import { Empty, Failed, PageSkeleton, Screen } from '../../portal/components';
import { dateTime } from '../../portal/format';
import { usePortalT } from '../../portal/lang';
import { useMyComplaints, useRaiseComplaint } from './api';

type K = `complaints.${string}`;

/** The owner's complaints and "raise a complaint" (one sheet, three fields). */
export default function MyComplaintsPage() {
  const { t, localize } = usePortalT<K>();
  const navigate = useNavigate();
  const q = useMyComplaints();
  const raise = useRaiseComplaint();
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm<{ type: TComplaintType[]; title: string; description: string }>();
  const submit = (v: { type: TComplaintType[]; title: string; description: string }) =>
    raise.mutate(
      { type: v.type[0] ?? 'other', title: v.title, description: v.description ?? '' },
      {
        onSuccess: (c) => {
          Toast.show({ icon: 'success', content: t('complaints.submitted') });
          setOpen(false);
          form.resetFields();
          void navigate(`/portal/complaints/${c.id}`);
        },
        onError: (e) => Toast.show({ icon: 'fail', content: localize(e.message) }),
      },
    );
  return (
    <Screen
      title={t('complaints.title')}
      back
      right={
        <Button size="mini" color="primary" onClick={() => setOpen(true)} data-testid="raise-complaint">
          {t('complaints.new')}
        </Button>
      }
    >
      {q.isPending ? (
        <PageSkeleton />
      ) : q.isError ? (
        <Failed error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data.items.length === 0 ? (
        <div className="pt-page">
          <Empty title={t('complaints.empty')} hint={t('complaints.emptyHint')} action={<Button color="primary" onClick={() => setOpen(true)}>{t('complaints.new')}</Button>} />
        </div>
      ) : (
        <List>
          {q.data.items.map((c) => (
            <List.Item key={c.id} onClick={() => void navigate(`/portal/complaints/${c.id}`)} description={`${c.number} · ${dateTime(c.receivedAt)}`} extra={<Tag color={c.status === 'closed' ? 'success' : 'primary'}>{t(`complaints.statuses.${c.status}`)}</Tag>}>
              {c.title}
            </List.Item>
          ))}
        </List>
      )}
      <Popup visible={open} onMaskClick={() => setOpen(false)} bodyStyle={{ borderTopLeftRadius: 12, borderTopRightRadius: 12, maxHeight: '85vh', overflow: 'auto' }}>
        <Form form={form} layout="vertical" onFinish={submit} initialValues={{ type: ['attitude'] }} footer={<Button block type="submit" color="primary" size="large" loading={raise.isPending}>{t('complaints.submit')}</Button>}>
          <Form.Header>{t('complaints.new')}</Form.Header>
          <Form.Item name="type" label={t('complaints.type')}>
            <Selector columns={3} options={COMPLAINT_TYPES.map((x) => ({ value: x.key, label: t(`complaints.types.${x.key}`) }))} />
          </Form.Item>
          <Form.Item name="title" label={t('complaints.summary')} rules={[{ required: true, max: 200 }]}>
            <Input maxLength={200} clearable placeholder={t('complaints.summaryHint')} />
          </Form.Item>
          <Form.Item name="description" label={t('complaints.details')}>
            <TextArea rows={3} maxLength={2000} showCount />
          </Form.Item>
        </Form>
      </Popup>
    </Screen>
  );
}

import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Select, Space, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { DETRACTOR_ACTIONS, QUESTION_KINDS, SURVEY_TOUCHPOINTS, type TQuestion, type TSurveyTemplateInput } from '../../../contracts/surveys';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { applyApiError } from '../../lib/forms';
import { useSaveTemplate, useSurveyTemplates, type SurveyTemplate } from '../api';

interface TQForm {
  id: string;
  kind: TQuestion['kind'];
  label: string;
  required: boolean;
  options: string;
  showIfQuestion?: string;
  showIfValues?: string;
}
type TForm = Omit<TSurveyTemplateInput, 'questions'> & { questions: TQForm[] };

const toForm = (t: SurveyTemplate): TForm => ({
  ...t,
  questions: t.questions.map((q) => ({
    id: q.id,
    kind: q.kind,
    label: q.label,
    required: q.required,
    options: q.options.map((o) => `${o.value}=${o.label}`).join('\n'),
    showIfQuestion: q.showIf?.questionId,
    showIfValues: q.showIf?.values.join(','),
  })),
});
const fromForm = (f: TForm): TSurveyTemplateInput => ({
  ...f,
  questions: f.questions.map((q) => ({
    id: q.id,
    kind: q.kind,
    label: q.label,
    required: q.required,
    options: (q.options ?? '')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean)
      .map((l) => {
        const [value, ...rest] = l.split('=');
        return { value: value!.trim(), label: rest.join('=').trim() || value!.trim() };
      }),
    showIf: q.showIfQuestion && q.showIfValues ? { questionId: q.showIfQuestion, values: q.showIfValues.split(',').map((v) => (/^\d+$/.test(v.trim()) ? Number(v.trim()) : v.trim())) } : null,
  })),
});

/** Questionnaires per touchpoint, and the builder: NPS, CSAT, choices, text, questions shown only for some answers. */
export default function SurveyTemplatesPage() {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const { storeId, can } = useSession();
  const list = useSurveyTemplates();
  const save = useSaveTemplate();
  const [editing, setEditing] = useState<SurveyTemplate | 'new' | null>(null);
  const [form] = Form.useForm<TForm>();
  const [error, setError] = useState<string | null>(null);
  const open = (tpl: SurveyTemplate | 'new') => {
    setError(null);
    setEditing(tpl);
    form.setFieldsValue(
      tpl === 'new'
        ? { name: '', touchpoint: 'service', intro: '', expiresAfterDays: 14, reminderAfterHours: 48, detractorAction: 'complaint', active: true, questions: [{ id: 'nps', kind: 'nps', label: '', required: true, options: '' }] }
        : toForm(tpl),
    );
  };
  const submit = (f: TForm) =>
    save.mutate(
      { id: editing === 'new' ? undefined : editing?.id, storeId, body: fromForm(f) },
      { onSuccess: () => (void message.success(t('voice.templates.saved')), setEditing(null)), onError: (e) => setError(applyApiError(form, e)) },
    );
  return (
    <>
      <PageHeader
        title={t('voice.templates.title')}
        subtitle={t('voice.templates.subtitle')}
        extra={
          can('surveys.manage') && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')}>
              {t('voice.templates.new')}
            </Button>
          )
        }
      />
      <Card>
        <Table<SurveyTemplate>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data ?? []}
          pagination={false}
          data-testid="survey-templates"
          columns={[
            { title: t('voice.templates.name'), dataIndex: 'name', render: (v: string, r) => <Space>{v}{r.storeId === null && <Tag>{t('voice.templates.group')}</Tag>}{!r.active && <Tag color="default">{t('voice.templates.inactive')}</Tag>}</Space> },
            { title: t('voice.templates.touchpoint'), dataIndex: 'touchpoint', width: 200, render: (v: string) => t(`voice.touchpoints.${v}` as never) },
            { title: t('voice.templates.questions'), key: 'q', render: (_, r) => r.questions.map((q) => <Tag key={q.id}>{t(`voice.questionKinds.${q.kind}`)}</Tag>) },
            { title: t('voice.templates.detractor'), dataIndex: 'detractorAction', width: 130, render: (v: string) => t(`voice.detractorActions.${v}` as never) },
            { key: 'edit', width: 80, render: (_, r) => can('surveys.manage') && (r.storeId !== null || storeId === undefined) && <a onClick={() => open(r)}>{t('voice.templates.edit')}</a> },
          ]}
        />
      </Card>
      <Modal open={editing !== null} title={editing === 'new' ? t('voice.templates.new') : t('voice.templates.edit')} width={860} onCancel={() => setEditing(null)} onOk={() => form.submit()} okText={t('common.save')} confirmLoading={save.isPending} destroyOnHidden>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={submit} data-testid="template-form">
          <Space wrap align="start">
            <Form.Item name="name" label={t('voice.templates.name')} rules={[{ required: true, max: 100 }]}>
              <Input style={{ width: 260 }} />
            </Form.Item>
            <Form.Item name="touchpoint" label={t('voice.templates.touchpoint')}>
              <Select style={{ width: 200 }} options={SURVEY_TOUCHPOINTS.map((x) => ({ value: x.key, label: t(`voice.touchpoints.${x.key}`) }))} />
            </Form.Item>
            <Form.Item name="detractorAction" label={t('voice.templates.detractor')}>
              <Select style={{ width: 150 }} options={DETRACTOR_ACTIONS.map((x) => ({ value: x.key, label: t(`voice.detractorActions.${x.key}`) }))} />
            </Form.Item>
            <Form.Item name="expiresAfterDays" label={t('voice.templates.expires')}>
              <InputNumber min={1} max={90} />
            </Form.Item>
            <Form.Item name="reminderAfterHours" label={t('voice.templates.reminder')}>
              <InputNumber min={1} max={720} />
            </Form.Item>
            <Form.Item name="active" label={t('voice.templates.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Space>
          <Form.Item name="intro" label={t('voice.templates.intro')}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Form.List name="questions">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Card key={f.key} size="small" style={{ marginBottom: 8 }}>
                    <Space wrap align="start">
                      <Form.Item name={[f.name, 'id']} label="ID" rules={[{ required: true, pattern: /^[a-z][a-z0-9_]{0,19}$/ }]}>
                        <Input style={{ width: 110 }} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'kind']} label={t('voice.templates.kind')}>
                        <Select style={{ width: 150 }} options={QUESTION_KINDS.map((x) => ({ value: x.key, label: t(`voice.questionKinds.${x.key}`) }))} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'label']} label={t('voice.templates.label')} rules={[{ required: true, max: 300 }]}>
                        <Input style={{ width: 340 }} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'required']} label={t('voice.templates.required')} valuePropName="checked">
                        <Switch size="small" />
                      </Form.Item>
                      <MinusCircleOutlined onClick={() => remove(f.name)} style={{ marginTop: 36 }} aria-label="remove" />
                    </Space>
                    <Space wrap align="start">
                      <Form.Item name={[f.name, 'options']} label={t('voice.templates.options')}>
                        <Input.TextArea rows={2} style={{ width: 300 }} placeholder={'staff=顾问专业\nspeed=办理高效'} />
                      </Form.Item>
                      <Form.Item name={[f.name, 'showIfQuestion']} label={t('voice.templates.showIfQuestion')} tooltip={t('voice.templates.showIf')}>
                        <Input style={{ width: 120 }} placeholder="nps" />
                      </Form.Item>
                      <Form.Item name={[f.name, 'showIfValues']} label={t('voice.templates.showIfValues')}>
                        <Input style={{ width: 200 }} placeholder="0,1,2,3,4,5,6" />
                      </Form.Item>
                    </Space>
                  </Card>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ id: `q${fields.length + 1}`, kind: 'text', label: '', required: false, options: '' })}>
                  {t('voice.templates.addQuestion')}
                </Button>
              </>
            )}
          </Form.List>
        </Form>
      </Modal>
    </>
  );
}

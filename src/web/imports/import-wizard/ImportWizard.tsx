import { ArrowLeftOutlined, InboxOutlined, PlayCircleOutlined, ReloadOutlined, SearchOutlined, TeamOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Form, Input, Radio, Row, Select, Space, Statistic, Steps, Table, Tag, Typography, Upload } from 'antd';
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { IMPORT_KINDS, type ImportField, type ImportKind, type ImportMapping, type ImportPreview, type ImportUpload } from '../../api/types';
import { StoreSelect } from '../../components/pickers';
import { useSession } from '../../console/session';
import { localize } from '../../i18n';
import { applyApiError } from '../../lib/forms';
import { newIdempotencyKey } from '../../lib/idempotency';
import { useImport, useImportMappings, useInvalidateAfterImport, usePreviewImport, useRunImport, useUploadImport } from '../api';
import { ImportProgress } from '../components/ImportProgress';
import { fieldLabel, sampleValue, targetFields } from '../fields';

const MAX_MB = 1024;
const ACCEPT = '.xlsx,.csv';

function useFieldLabel() {
  const { i18n } = useTranslation();
  return (kind: ImportKind, f: ImportField) => fieldLabel(kind, f, i18n.language === 'en-US' ? 'en-US' : 'zh-CN');
}

/** Step 1: what is imported, into which store, from which file. */
function UploadStep({ onUploaded }: { onUploaded: (u: ImportUpload, kind: ImportKind) => void }) {
  const { t } = useTranslation();
  const { groupWide, storeId: scopeStore, me } = useSession();
  const [kind, setKind] = useState<ImportKind>('customers');
  const [storeId, setStoreId] = useState<string | undefined>(groupWide ? scopeStore : (me.storeId ?? undefined));
  const [file, setFile] = useState<File | null>(null);
  const [error, setError] = useState<string | null>(null);
  const upload = useUploadImport();
  const fieldLabel = useFieldLabel();
  const required = targetFields(kind, null).filter((f) => f.required);

  const start = () => {
    if (!file || !storeId) return;
    setError(null);
    upload.mutate({ file, kind, storeId }, { onSuccess: (u) => onUploaded(u, kind), onError: (e) => setError(applyApiError(undefined, e)) });
  };

  return (
    <Row gutter={24}>
      <Col span={14}>
        <Form layout="vertical">
          <Form.Item label={t('imports.wizard.kind')} required>
            <Radio.Group
              value={kind}
              onChange={(e) => setKind(e.target.value as ImportKind)}
              optionType="button"
              buttonStyle="solid"
              options={IMPORT_KINDS.map((k) => ({ value: k, label: t(`imports.kinds.${k}`) }))}
              data-testid="import-kind"
            />
          </Form.Item>
          {groupWide && (
            <Form.Item label={t('imports.wizard.store')} required>
              <StoreSelect value={storeId} onChange={setStoreId} style={{ width: 280 }} aria-label={t('imports.wizard.store')} />
            </Form.Item>
          )}
          <Form.Item label={t('imports.wizard.file')} required>
            <Upload.Dragger
              accept={ACCEPT}
              multiple={false}
              maxCount={1}
              fileList={file ? [{ uid: 'f', name: file.name, size: file.size, status: 'done' }] : []}
              beforeUpload={(f) => {
                const ok = /\.(xlsx|csv)$/i.test(f.name);
                if (!ok) setError(t('imports.wizard.badType'));
                else if (f.size > MAX_MB * 1024 * 1024) setError(t('imports.wizard.tooBig', { mb: MAX_MB }));
                else {
                  setError(null);
                  setFile(f);
                }
                return false;
              }}
              onRemove={() => setFile(null)}
              data-testid="import-dropzone"
            >
              <p className="ant-upload-drag-icon">
                <InboxOutlined />
              </p>
              <p className="ant-upload-text">{t('imports.wizard.drop')}</p>
              <p className="ant-upload-hint">{t('imports.wizard.dropHint')}</p>
            </Upload.Dragger>
          </Form.Item>
        </Form>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Button type="primary" onClick={start} disabled={!file || !storeId} loading={upload.isPending} data-testid="import-upload">
          {t('imports.wizard.uploadNext')}
        </Button>
      </Col>
      <Col span={10}>
        <Card size="small" title={t('imports.wizard.tipsTitle')} variant="outlined" style={{ background: '#fafbfc' }}>
          <Typography.Paragraph style={{ marginBottom: 8 }}>{t('imports.wizard.tipsRequired')}</Typography.Paragraph>
          <Space size={[4, 6]} wrap style={{ marginBottom: 12 }}>
            {required.map((f) => (
              <Tag key={f.field} color="blue">
                {fieldLabel(kind, f)}
              </Tag>
            ))}
          </Space>
          <ul style={{ paddingInlineStart: 18, margin: 0, color: '#4e5969', lineHeight: 1.8 }}>
            <li>{t(`imports.wizard.match.${kind}`)}</li>
            <li>{t('imports.wizard.tip2')}</li>
            <li>{t('imports.wizard.tip3')}</li>
          </ul>
        </Card>
      </Col>
    </Row>
  );
}

/** Step 2: target field ← file column, prefilled with the server's suggestion; saved mappings can be applied. */
function MappingStep({
  kind,
  upload,
  mapping,
  setMapping,
  saveAs,
  setSaveAs,
}: {
  kind: ImportKind;
  upload: ImportUpload;
  mapping: ImportMapping;
  setMapping: (m: ImportMapping) => void;
  saveAs: string;
  setSaveAs: (s: string) => void;
}) {
  const { t } = useTranslation();
  const saved = useImportMappings(kind);
  const fieldLabel = useFieldLabel();
  const fields = targetFields(kind, upload);
  const headers = new Set(upload.headers);
  const used = new Set(Object.values(mapping));

  return (
    <>
      <div className="bk-toolbar">
        <Typography.Text type="secondary">
          {upload.savedMappingName
            ? t('imports.mapping.introSaved', { count: upload.headers.length, name: upload.savedMappingName })
            : t('imports.mapping.intro', { count: upload.headers.length })}
        </Typography.Text>
        <span style={{ flex: 1 }} />
        <Select
          style={{ width: 240 }}
          placeholder={t('imports.mapping.useSaved')}
          aria-label={t('imports.mapping.useSaved')}
          loading={saved.isPending}
          disabled={!saved.data?.length}
          value={null}
          options={(saved.data ?? []).map((m) => ({ value: m.id, label: m.name }))}
          onChange={(id: string) => {
            const m = saved.data?.find((x) => x.id === id);
            if (!m) return;
            // Only columns this file actually has; the rest keep the suggestion.
            const next: ImportMapping = { ...mapping };
            for (const [field, header] of Object.entries(m.mapping)) if (headers.has(header)) next[field] = header;
            setMapping(next);
          }}
        />
        <Button icon={<ReloadOutlined />} onClick={() => setMapping({ ...upload.suggestedMapping })}>
          {t('imports.mapping.resetSuggested')}
        </Button>
      </div>
      <Table<ImportField>
        size="small"
        rowKey="field"
        pagination={false}
        dataSource={fields}
        data-testid="mapping-table"
        columns={[
          {
            key: 'field',
            title: t('imports.mapping.target'),
            width: 260,
            render: (_: unknown, f) => (
              <span>
                {fieldLabel(kind, f)}
                {f.required && <span style={{ color: '#d4380d', marginInlineStart: 4 }}>*</span>}
                {f.hint && <div className="bk-muted" style={{ fontSize: 11, lineHeight: 1.4 }}>{localize(f.hint)}</div>}
              </span>
            ),
          },
          {
            key: 'arrow',
            width: 32,
            render: () => <span className="bk-muted">←</span>,
          },
          {
            key: 'column',
            title: t('imports.mapping.column'),
            width: 260,
            render: (_: unknown, f) => (
              <Select
                style={{ width: '100%' }}
                allowClear
                aria-label={fieldLabel(kind, f)}
                placeholder={t('imports.mapping.skip')}
                status={f.required && !mapping[f.field] ? 'warning' : undefined}
                value={mapping[f.field]}
                onChange={(h?: string) => {
                  const next = { ...mapping };
                  if (h) next[f.field] = h;
                  else delete next[f.field];
                  setMapping(next);
                }}
                options={upload.headers.map((h) => ({ value: h, label: h + (used.has(h) && mapping[f.field] !== h ? ` ${t('imports.mapping.alreadyUsed')}` : '') }))}
              />
            ),
          },
          {
            key: 'sample',
            title: t('imports.mapping.sample'),
            render: (_: unknown, f) => {
              const values = [0, 1, 2].map((i) => sampleValue(upload, mapping[f.field], i)).filter(Boolean);
              return values.length ? <span className="bk-muted">{values.join(' · ')}</span> : <span className="bk-muted">—</span>;
            },
          },
        ]}
      />
      <Form layout="inline" style={{ marginTop: 16 }}>
        <Form.Item label={t('imports.mapping.saveAs')}>
          <Input value={saveAs} onChange={(e) => setSaveAs(e.target.value)} placeholder={t('imports.mapping.saveAsPlaceholder')} maxLength={100} style={{ width: 280 }} />
        </Form.Item>
      </Form>
    </>
  );
}

function PreviewStep({ preview }: { preview: ImportPreview }) {
  const { t } = useTranslation();
  return (
    <>
      <Alert type="info" showIcon title={t('imports.preview.dryRun')} style={{ marginBottom: 16 }} />
      <Row gutter={16} style={{ marginBottom: 16 }} data-testid="preview-counts">
        <Col span={6}>
          <Card size="small" data-testid="preview-created">
            <Statistic title={t('imports.counts.toCreate')} value={preview.createdCount} styles={{ content: { color: '#1e8e3e' } }} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" data-testid="preview-updated">
            <Statistic title={t('imports.counts.toUpdate')} value={preview.updatedCount} styles={{ content: { color: '#1d5bd8' } }} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" data-testid="preview-unchanged">
            <Statistic title={t('imports.counts.unchanged')} value={preview.unchangedCount} />
          </Card>
        </Col>
        <Col span={6}>
          <Card size="small" data-testid="preview-rejected">
            <Statistic title={t('imports.counts.toReject')} value={preview.rejectedCount} styles={{ content: { color: preview.rejectedCount ? '#d4380d' : undefined } }} />
          </Card>
        </Col>
      </Row>
      {(preview.customersCreated > 0 || preview.vehiclesCreated > 0) && (
        <Typography.Paragraph type="secondary">
          {t('imports.preview.alongTheWay', { customers: preview.customersCreated, vehicles: preview.vehiclesCreated })}
        </Typography.Paragraph>
      )}
      {preview.sampleRejections.length > 0 && (
        <>
          <Typography.Title level={5}>{t('imports.preview.sampleRejections')}</Typography.Title>
          <Table
            size="small"
            rowKey={(r) => String(r.row)}
            pagination={false}
            dataSource={preview.sampleRejections}
            data-testid="preview-rejections"
            columns={[
              { key: 'row', title: t('imports.preview.row'), dataIndex: 'row', width: 80, render: (r: number) => <span className="bk-num">{r}</span> },
              { key: 'reason', title: t('imports.preview.reason'), dataIndex: 'reason', render: (r: string) => <Typography.Text type="danger">{localize(r)}</Typography.Text> },
            ]}
          />
        </>
      )}
    </>
  );
}

function RunStep({ id, onAgain, onFinished }: { id: string; onAgain: () => void; onFinished: (status: 'completed' | 'failed') => void }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const job = useImport(id);
  const invalidate = useInvalidateAfterImport();
  const done = job.data?.status === 'completed' || job.data?.status === 'failed';
  const notified = useRef(false);
  useEffect(() => {
    if (done && !notified.current) {
      notified.current = true;
      onFinished(job.data!.status as 'completed' | 'failed');
      void invalidate();
    }
  }, [done, invalidate, onFinished, job.data]);
  if (!job.data) return <Card loading />;
  return (
    <>
      <ImportProgress job={job.data} />
      {done && (
        <Space style={{ marginTop: 16 }}>
          <Button icon={<TeamOutlined />} onClick={() => void navigate('/customers')}>
            {t('imports.run.toCustomers')}
          </Button>
          <Button onClick={() => void navigate(`/imports/${id}`)}>{t('imports.run.details')}</Button>
          <Button type="primary" onClick={onAgain}>
            {t('imports.run.again')}
          </Button>
        </Space>
      )}
    </>
  );
}

/** Upload → map columns → dry run → run with live progress. */
export function ImportWizard() {
  const { t } = useTranslation();
  const { modal } = App.useApp();
  const [step, setStep] = useState(0);
  const [kind, setKind] = useState<ImportKind>('customers');
  const [upload, setUpload] = useState<ImportUpload | null>(null);
  const [mapping, setMapping] = useState<ImportMapping>({});
  const [saveAs, setSaveAs] = useState('');
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [finished, setFinished] = useState<'completed' | 'failed' | null>(null);
  const idemKey = useRef(newIdempotencyKey());
  const previewM = usePreviewImport();
  const run = useRunImport();
  const fieldLabel = useFieldLabel();

  const missing = useMemo(() => (upload ? targetFields(kind, upload).filter((f) => f.required && !mapping[f.field]) : []), [kind, upload, mapping]);

  const reset = () => {
    setStep(0);
    setUpload(null);
    setMapping({});
    setSaveAs('');
    setPreview(null);
    setError(null);
    setFinished(null);
    idemKey.current = newIdempotencyKey();
  };

  const doPreview = () => {
    if (!upload) return;
    setError(null);
    previewM.mutate(
      { id: upload.id, mapping, saveMappingAs: saveAs.trim() || undefined },
      {
        onSuccess: (p) => {
          setPreview({ ...p, sampleRejections: p.sampleRejections ?? [] });
          setStep(2);
        },
        onError: (e) => setError(applyApiError(undefined, e)),
      },
    );
  };

  const doRun = () => {
    if (!upload) return;
    const go = () =>
      run.mutate(
        { id: upload.id, idempotencyKey: idemKey.current },
        { onSuccess: () => setStep(3), onError: (e) => setError(applyApiError(undefined, e)) },
      );
    if (preview && preview.rejectedCount > 0)
      modal.confirm({
        title: t('imports.preview.confirmTitle'),
        content: t('imports.preview.confirmRejects', { count: preview.rejectedCount }),
        okText: t('imports.preview.run'),
        cancelText: t('common.cancel'),
        onOk: go,
      });
    else go();
  };

  return (
    <Card>
      <Steps
        current={finished === 'completed' ? 4 : step}
        status={finished === 'failed' ? 'error' : undefined}
        style={{ marginBottom: 24 }}
        items={[
          { title: t('imports.steps.upload') },
          { title: t('imports.steps.mapping') },
          { title: t('imports.steps.preview') },
          { title: t('imports.steps.run') },
        ]}
      />
      {step === 0 && (
        <UploadStep
          onUploaded={(u, k) => {
            setUpload(u);
            setKind(k);
            setMapping({ ...u.suggestedMapping });
            setStep(1);
          }}
        />
      )}
      {step === 1 && upload && (
        <>
          <MappingStep kind={kind} upload={upload} mapping={mapping} setMapping={setMapping} saveAs={saveAs} setSaveAs={setSaveAs} />
          {missing.length > 0 && (
            <Alert type="warning" showIcon style={{ marginTop: 16 }} title={t('imports.mapping.missing', { fields: missing.map((f) => fieldLabel(kind, f)).join('、') })} />
          )}
          {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} />}
          <Space style={{ marginTop: 16 }}>
            <Button icon={<ArrowLeftOutlined />} onClick={reset}>
              {t('imports.wizard.restart')}
            </Button>
            <Button type="primary" icon={<SearchOutlined />} onClick={doPreview} loading={previewM.isPending} disabled={missing.length > 0} data-testid="import-preview">
              {t('imports.mapping.previewNext')}
            </Button>
          </Space>
        </>
      )}
      {step === 2 && preview && (
        <>
          <PreviewStep preview={preview} />
          {error && <Alert type="error" showIcon title={error} style={{ marginTop: 16 }} />}
          <Space style={{ marginTop: 16 }}>
            <Button icon={<ArrowLeftOutlined />} onClick={() => setStep(1)}>
              {t('imports.preview.backToMapping')}
            </Button>
            <Button
              type="primary"
              icon={<PlayCircleOutlined />}
              onClick={doRun}
              loading={run.isPending}
              disabled={preview.createdCount + preview.updatedCount + preview.unchangedCount === 0}
              data-testid="import-run"
            >
              {t('imports.preview.run')}
            </Button>
          </Space>
        </>
      )}
      {step === 3 && upload && <RunStep id={upload.id} onAgain={reset} onFinished={setFinished} />}
    </Card>
  );
}

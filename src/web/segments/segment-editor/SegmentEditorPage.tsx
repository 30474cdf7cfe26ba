import { CopyOutlined, DeleteOutlined, DownloadOutlined, LoadingOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Divider, Form, Input, Modal, Select, Skeleton, Spin, Tabs, Tag, Tooltip, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { isGroup, type TRuleGroup, type TRuleIssue } from '../../../contracts/segments';
import { ApiError } from '../../api/client';
import { EmptyState } from '../../components/EmptyState';
import { ErrorState } from '../../components/ErrorState';
import { PageHeader } from '../../components/PageHeader';
import { useSession } from '../../console/session';
import { localize } from '../../i18n';
import { integer } from '../../lib/format';
import { useStores } from '../../org/api';
import {
  downloadSegmentExport,
  useArchiveSegment,
  useCreateSegment,
  useSegment,
  useSegmentCustomers,
  useSegmentFields,
  useSegmentPreview,
  useUpdateSegment,
  type Segment,
  type SegmentFields,
} from '../api';
import { RuleBuilder } from '../components/RuleBuilder';
import { SegmentCustomerTable } from '../components/SegmentCustomerTable';
import { emptyRule, isEmptyRowIssue, issuesFromProblem, localIssues, pruneWithMap } from '../rule';
import { useDebounced } from '../useDebounced';
import '../segments.css';

/** `/segments/new` and `/segments/:id`: the rule builder with a live count and sample, save / save as / archive, the customers and the export. */
export default function SegmentEditorPage() {
  const { id } = useParams();
  const isNew = !id || id === 'new';
  const seg = useSegment(isNew ? undefined : id);
  const fields = useSegmentFields();
  if ((!isNew && seg.isPending) || fields.isPending) {
    return (
      <>
        <Skeleton.Input active style={{ width: 240, marginBottom: 16 }} />
        <Card>
          <Skeleton active paragraph={{ rows: 8 }} />
        </Card>
      </>
    );
  }
  if (!isNew && seg.isError) return <ErrorState error={seg.error} onRetry={() => void seg.refetch()} />;
  if (fields.isError) return <ErrorState error={fields.error} onRetry={() => void fields.refetch()} />;
  return <Editor key={seg.data?.id ?? 'new'} segment={isNew ? undefined : seg.data} fields={fields.data} />;
}

interface Draft {
  name: string;
  description: string;
  /** '' = group-wide (group admins only). */
  scope: string;
  rule: TRuleGroup;
}

const asGroup = (rule: unknown): TRuleGroup => {
  const r = rule as TRuleGroup;
  return r && typeof r === 'object' && isGroup(r) && r.op !== 'not' ? r : { op: 'and', children: r ? [r] : [] };
};

function Editor({ segment, fields }: { segment: Segment | undefined; fields: SegmentFields }) {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const { message, modal } = App.useApp();
  const { can, groupWide, storeId, me } = useSession();
  const stores = useStores();
  const [params, setParams] = useSearchParams();
  const initial = useMemo<Draft>(
    () => ({
      name: segment?.name ?? '',
      description: segment?.description ?? '',
      scope: segment ? (segment.storeId ?? '') : groupWide ? (storeId ?? '') : (me.storeId ?? ''),
      rule: segment ? asGroup(segment.rule) : emptyRule(),
    }),
    [segment, groupWide, storeId, me.storeId],
  );
  const [draft, setDraft] = useState<Draft>(initial);
  const [nameError, setNameError] = useState<string | null>(null);
  const [saveIssues, setSaveIssues] = useState<TRuleIssue[]>([]);
  const [saveAsOpen, setSaveAsOpen] = useState(false);
  const [exporting, setExporting] = useState(false);
  const create = useCreateSegment();
  const update = useUpdateSegment(segment?.id ?? '');
  const archive = useArchiveSegment();

  const canEdit = can('segments.write') && (!segment || segment.storeId !== null || groupWide);
  const dirty = JSON.stringify(draft) !== JSON.stringify(initial);
  const tab = params.get('tab') === 'customers' && segment ? 'customers' : 'rule';

  // The live count: wait for a pause in typing, leave rows still empty out, validate here with the shared rules, and
  // only ask the server about a rule that passes; its own problems (if any) come back as a 400 with paths.
  const debounced = useDebounced(draft.rule, 400);
  const pruned = useMemo(() => pruneWithMap(debounced), [debounced]);
  const local = useMemo(() => localIssues(debounced).filter((i) => !isEmptyRowIssue(debounced, i)), [debounced]);
  const preview = useSegmentPreview(local.length === 0 ? pruned.rule : null);
  const stale = debounced !== draft.rule;
  const serverIssues = useMemo(() => {
    if (!(preview.error instanceof ApiError) || preview.error.status !== 400) return [];
    return issuesFromProblem(preview.error.errors).map((i) => ({ ...i, path: pruned.toDisplayed(i.path) }));
  }, [preview.error, pruned]);
  const issues = useMemo(() => [...local, ...serverIssues, ...saveIssues], [local, serverIssues, saveIssues]);

  useEffect(() => setSaveIssues([]), [draft.rule]);

  const setRule = (rule: TRuleGroup) => setDraft((d) => ({ ...d, rule }));

  const problemOf = (e: unknown) => {
    if (e instanceof ApiError) {
      if (e.status === 409) setNameError(localize(e.title));
      const ruleIssues = issuesFromProblem(e.errors).map((i) => ({ ...i, path: pruneWithMap(draft.rule).toDisplayed(i.path) }));
      if (ruleIssues.length) setSaveIssues(ruleIssues);
      const nameIssue = e.errors.find((x) => x.path === 'body.name');
      if (nameIssue) setNameError(localize(nameIssue.message));
      return localize(e.title);
    }
    return localize(e instanceof Error ? e.message : String(e));
  };

  const ready = (): { rule: TRuleGroup } | null => {
    const name = draft.name.trim();
    if (!name) {
      setNameError(t('segments.editor.nameRequired'));
      return null;
    }
    const all = localIssues(draft.rule).filter((i) => !isEmptyRowIssue(draft.rule, i));
    if (all.length) {
      setSaveIssues(all);
      void message.error(t('segments.editor.fixFirst'));
      return null;
    }
    return { rule: pruneWithMap(draft.rule).rule };
  };

  const save = () => {
    const r = ready();
    if (!r) return;
    const body = { name: draft.name.trim(), description: draft.description.trim(), rule: r.rule };
    if (!segment) {
      create.mutate(
        { ...body, ...(groupWide ? { storeId: draft.scope || null } : {}) },
        {
          onSuccess: (s) => {
            void message.success(t('segments.editor.created'));
            void navigate(`/segments/${s.id}`, { replace: true });
          },
          onError: (e) => void message.error(problemOf(e)),
        },
      );
    } else {
      update.mutate(body, {
        onSuccess: () => void message.success(t('segments.editor.saved')),
        onError: (e) => void message.error(problemOf(e)),
      });
    }
  };

  const saveAs = (name: string) => {
    const r = ready();
    if (!r) return;
    // A copy of a group-wide segment made by a store user belongs to their store.
    const scope = groupWide ? { storeId: segment?.storeId ?? (draft.scope || null) } : {};
    create.mutate(
      { name: name.trim(), description: draft.description.trim(), rule: r.rule, ...scope },
      {
        onSuccess: (s) => {
          setSaveAsOpen(false);
          void message.success(t('segments.editor.created'));
          void navigate(`/segments/${s.id}`);
        },
        onError: (e) => void message.error(problemOf(e)),
      },
    );
  };

  const confirmArchive = () => {
    if (!segment) return;
    modal.confirm({
      title: t('segments.editor.archiveTitle', { name: segment.name }),
      content: t('segments.editor.archiveBody'),
      okText: t('segments.editor.archive'),
      okButtonProps: { danger: true },
      cancelText: t('common.cancel'),
      onOk: () =>
        archive.mutateAsync(segment.id).then(
          () => {
            void message.success(t('segments.editor.archived'));
            void navigate('/segments');
          },
          (e: unknown) => void message.error(problemOf(e)),
        ),
    });
  };

  const confirmExport = () => {
    if (!segment) return;
    const count = preview.data && !dirty ? preview.data.count : segment.lastCount;
    modal.confirm({
      title: t('segments.export.title', { name: segment.name }),
      width: 480,
      content: (
        <div data-testid="export-confirm">
          <p>{count === null ? t('segments.export.bodyUnknown') : t('segments.export.body', { count: integer(count) })}</p>
          <Alert type="info" showIcon title={t('segments.export.masked')} style={{ marginBottom: 8 }} />
          <Alert type="warning" showIcon title={t('segments.export.audited')} />
        </div>
      ),
      okText: t('segments.export.confirm'),
      cancelText: t('common.cancel'),
      onOk: async () => {
        setExporting(true);
        try {
          const r = await downloadSegmentExport(segment.id);
          void message.success(t('segments.export.done', { count: integer(r.count), file: r.fileName }));
        } catch (e) {
          void message.error(`${t('segments.export.failed')}：${problemOf(e)}`);
        } finally {
          setExporting(false);
        }
      },
    });
  };

  const saving = create.isPending || update.isPending;
  const storeOptions = [
    ...(groupWide ? [{ value: '', label: t('segments.editor.scopeGroup') }] : []),
    ...(stores.data ?? []).filter((s) => groupWide || s.id === me.storeId).map((s) => ({ value: s.id, label: s.name })),
  ];

  // Until the first live count arrives, a saved segment shows the count it had when saved (dimmed).
  const shownCount = preview.data?.count ?? (segment && !dirty ? segment.lastCount : null);
  const countCard = (
    <div className="bk-live-count" data-testid="live-count" aria-live="polite" aria-busy={preview.isFetching || stale}>
      {local.length > 0 ? (
        <Typography.Text style={{ color: '#ad4e00' }}>{t('segments.editor.incomplete')}</Typography.Text>
      ) : preview.isError && !preview.data ? (
        <Typography.Text type="danger">{t('segments.editor.previewFailed')}</Typography.Text>
      ) : (
        <>
          <span className="bk-muted">{t('segments.editor.liveCount')}</span>
          {shownCount !== null ? (
            <strong data-testid={preview.data ? 'live-count-value' : undefined} style={{ opacity: preview.isFetching || stale || !preview.data ? 0.45 : 1 }}>
              {integer(shownCount)}
            </strong>
          ) : (
            <strong>—</strong>
          )}
          <span className="bk-muted">{t('segments.editor.peopleUnit')}</span>
          {(preview.isFetching || stale) && <Spin size="small" indicator={<LoadingOutlined spin />} aria-label={t('segments.editor.counting')} />}
          {preview.data && !preview.isFetching && !stale && <span className="bk-muted" style={{ fontSize: 12 }}>{t('segments.editor.asOf', { date: preview.data.asOf })}</span>}
        </>
      )}
    </div>
  );

  const ruleTab = (
    <>
      <Card title={t('segments.editor.conditions')} extra={countCard} styles={{ body: { padding: 16 } }} style={{ marginTop: 16 }}>
        {serverIssues.length > 0 && preview.error instanceof ApiError && <Alert type="error" showIcon title={localize(preview.error.title)} style={{ marginBottom: 12 }} />}
        <RuleBuilder value={draft.rule} onChange={setRule} fields={fields} errors={issues} disabled={!canEdit} storeId={draft.scope || storeId} />
      </Card>
      <Card title={t('segments.editor.sample')} extra={<span className="bk-muted">{t('segments.editor.sampleHint')}</span>} style={{ marginTop: 16 }} styles={{ body: { padding: 0 } }}>
        <SegmentCustomerTable
          rows={local.length === 0 ? (preview.data?.sample ?? []) : []}
          loading={preview.isFetching && !preview.data}
          empty={preview.isPending && local.length === 0 ? <Skeleton active title={false} paragraph={{ rows: 4 }} style={{ padding: 16 }} /> : <EmptyState title={t('segments.editor.sampleEmpty')} />}
          testId="segment-sample"
        />
      </Card>
    </>
  );

  return (
    <>
      <PageHeader
        crumbs={[{ title: t('segments.editor.crumb'), to: '/segments' }, { title: segment?.name ?? t('segments.editor.newTitle') }]}
        title={segment?.name ?? t('segments.editor.newTitle')}
        subtitle={segment ? (segment.storeId ? segment.storeName : t('segments.list.groupWide')) : undefined}
        extra={
          <>
            {dirty && canEdit && (
              <Tag color="orange" style={{ alignSelf: 'center' }}>
                {t('segments.editor.unsaved')}
              </Tag>
            )}
            {segment && can('segments.export') && (
              <Tooltip title={dirty ? t('segments.export.unsaved') : t('segments.export.masked')}>
                <Button icon={<DownloadOutlined />} onClick={confirmExport} loading={exporting} disabled={dirty} data-testid="export-segment">
                  {exporting ? t('segments.export.working') : t('segments.export.button')}
                </Button>
              </Tooltip>
            )}
            {segment && can('segments.write') && (
              <Button icon={<CopyOutlined />} onClick={() => setSaveAsOpen(true)} data-testid="save-as">
                {t('segments.editor.saveAs')}
              </Button>
            )}
            {segment && canEdit && (
              <Button icon={<DeleteOutlined />} onClick={confirmArchive}>
                {t('segments.editor.archive')}
              </Button>
            )}
            {canEdit && (
              <Button type="primary" icon={<SaveOutlined />} onClick={save} loading={saving} disabled={!!segment && !dirty} data-testid="save-segment">
                {t('segments.editor.save')}
              </Button>
            )}
          </>
        }
      />
      {!canEdit && <Alert type="info" showIcon style={{ marginBottom: 16 }} title={can('segments.write') ? t('segments.editor.readOnlyGroup') : t('segments.editor.readOnly')} />}
      <Card styles={{ body: { padding: '16px 16px 0' } }}>
        <Form layout="vertical" requiredMark="optional" disabled={!canEdit}>
          <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap' }}>
            <Form.Item label={t('segments.editor.name')} required validateStatus={nameError ? 'error' : undefined} help={nameError ?? undefined} style={{ width: 300 }}>
              <Input
                value={draft.name}
                maxLength={100}
                placeholder={t('segments.editor.namePlaceholder')}
                onChange={(e) => {
                  setNameError(null);
                  setDraft((d) => ({ ...d, name: e.target.value }));
                }}
                data-testid="segment-name"
              />
            </Form.Item>
            <Form.Item label={t('segments.editor.scope')} style={{ width: 280 }}>
              <Select
                value={draft.scope}
                options={storeOptions}
                disabled={!!segment || !groupWide}
                onChange={(v: string) => setDraft((d) => ({ ...d, scope: v }))}
                aria-label={t('segments.editor.scope')}
              />
            </Form.Item>
            <Form.Item label={t('segments.editor.description')} style={{ flex: 1, minWidth: 280 }}>
              <Input
                value={draft.description}
                maxLength={1000}
                placeholder={t('segments.editor.descriptionPlaceholder')}
                onChange={(e) => setDraft((d) => ({ ...d, description: e.target.value }))}
              />
            </Form.Item>
          </div>
        </Form>
      </Card>
      {segment ? (
        <Tabs
          activeKey={tab}
          onChange={(k) => {
            const next = new URLSearchParams(params);
            if (k === 'rule') next.delete('tab');
            else next.set('tab', k);
            setParams(next, { replace: true });
          }}
          style={{ marginTop: 8 }}
          items={[
            { key: 'rule', label: t('segments.editor.tabRule'), children: ruleTab },
            {
              key: 'customers',
              label: (
                <span>
                  {t('segments.editor.tabCustomers')}
                  {segment.lastCount !== null && <span className="bk-num"> · {integer(segment.lastCount)}</span>}
                </span>
              ),
              children: <CustomersTab segment={segment} />,
            },
          ]}
        />
      ) : (
        ruleTab
      )}
      <SaveAsModal open={saveAsOpen} onClose={() => setSaveAsOpen(false)} initialName={t('segments.editor.copyName', { name: segment?.name ?? '' })} onSave={saveAs} saving={create.isPending} />
    </>
  );
}

function SaveAsModal({ open, onClose, initialName, onSave, saving }: { open: boolean; onClose: () => void; initialName: string; onSave: (name: string) => void; saving: boolean }) {
  const { t } = useTranslation();
  const [name, setName] = useState(initialName);
  useEffect(() => {
    if (open) setName(initialName);
  }, [open, initialName]);
  return (
    <Modal
      open={open}
      title={t('segments.editor.saveAsTitle')}
      onCancel={onClose}
      onOk={() => name.trim() && onSave(name)}
      okText={t('segments.editor.save')}
      cancelText={t('common.cancel')}
      confirmLoading={saving}
      okButtonProps={{ disabled: !name.trim() }}
      destroyOnHidden
    >
      <Form layout="vertical">
        <Form.Item label={t('segments.editor.saveAsName')} required>
          <Input value={name} maxLength={100} onChange={(e) => setName(e.target.value)} autoFocus data-testid="save-as-name" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function CustomersTab({ segment }: { segment: Segment }) {
  const { t } = useTranslation();
  const q = useSegmentCustomers(segment.id);
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.items) ?? [], [q.data]);
  if (q.isError && !q.data) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  return (
    <Card styles={{ body: { padding: 0 } }} style={{ marginTop: 16 }} title={t('segments.editor.tabCustomers')} extra={<span className="bk-muted">{t('segments.editor.customersHint')}</span>}>
      <SegmentCustomerTable
        rows={rows}
        loading={q.isFetching && !q.isFetchingNextPage && !q.isPending}
        empty={q.isPending ? <Skeleton active title={false} paragraph={{ rows: 6 }} style={{ padding: 16 }} /> : <EmptyState title={t('segments.editor.customersEmpty')} />}
        testId="segment-customers"
      />
      {rows.length > 0 && (
        <>
          <Divider style={{ margin: 0 }} />
          <div style={{ display: 'flex', alignItems: 'center', justifyContent: 'space-between', padding: 12 }}>
            <Typography.Text type="secondary">{t('customers.list.shown', { shown: rows.length })}</Typography.Text>
            {q.hasNextPage ? (
              <Button onClick={() => void q.fetchNextPage()} loading={q.isFetchingNextPage}>
                {t('common.loadMore')}
              </Button>
            ) : (
              <Typography.Text type="secondary">{t('common.allLoaded')}</Typography.Text>
            )}
          </div>
        </>
      )}
    </Card>
  );
}

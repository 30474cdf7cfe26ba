import { Button, InfiniteScroll } from 'antd-mobile';
import { useInbox, useMarkRead } from '../api';
import { Empty, Failed, PageSkeleton, Screen } from '../components';
import { dateTime } from '../format';
import { usePortalT } from '../lang';

/** The owner's portal inbox: reminders and notices from the store; opening one marks it read. */
export default function InboxPage() {
  const { t } = usePortalT();
  const q = useInbox();
  const read = useMarkRead();
  const items = q.data?.pages.flatMap((p) => p.items) ?? [];
  const unread = q.data?.pages[0]?.unread ?? 0;
  return (
    <Screen
      title={t('portal.inbox.title')}
      right={
        unread > 0 ? (
          <Button size="mini" fill="none" color="primary" onClick={() => read.mutate('all')} loading={read.isPending}>
            {t('portal.inbox.readAll')}
          </Button>
        ) : null
      }
    >
      {q.isPending ? (
        <PageSkeleton />
      ) : q.isError ? (
        <Failed error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <div className="pt-page">
          {items.length === 0 && <Empty title={t('portal.inbox.empty')} hint={t('portal.inbox.emptyHint')} />}
          {items.map((m) => (
            <article
              key={m.id}
              className="pt-inbox-item"
              data-testid="inbox-item"
              data-read={m.read}
              onClick={() => !m.read && read.mutate(m.id)}
              onKeyDown={(e) => e.key === 'Enter' && !m.read && read.mutate(m.id)}
              tabIndex={0}
              aria-label={m.read ? m.subject : `${t('portal.inbox.unread')} ${m.subject}`}
            >
              {!m.read && <span className="pt-dot" aria-hidden="true" />}
              {m.subject && <h3>{m.subject}</h3>}
              <p>{m.body}</p>
              <div className="pt-muted" style={{ marginTop: 8 }}>
                {dateTime(m.sentAt)}
              </div>
            </article>
          ))}
          {items.length > 0 && (
            <InfiniteScroll loadMore={async () => void (await q.fetchNextPage())} hasMore={!!q.hasNextPage}>
              {q.hasNextPage ? t('portal.common.loading') : t('portal.inbox.noMore')}
            </InfiniteScroll>
          )}
        </div>
      )}
    </Screen>
  );
}

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { ZId } from '../../../contracts/common.js';
import {
  ZNpsQuery,
  ZNpsReport,
  ZPublicSurvey,
  ZResponsesQuery,
  ZSurveyAnswerInput,
  ZSurveyAnswerResult,
  ZSurveyInvitation,
  ZSurveyInvite,
  ZSurveyResponse,
  ZSurveyTemplate,
  ZSurveyTemplateInput,
} from '../../../contracts/surveys.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';

const tags = ['surveys'];
const ZIdParams = z.object({ id: ZId });
const ZToken = z.object({ token: z.string().regex(/^[0-9a-f]{64}$/) });
const day = (d: string | undefined, end = false) => (d ? new Date(`${d}T00:00:00+08:00`).getTime() + (end ? 86_400_000 : 0) : undefined);

/** Staff routes: templates (builder), sending a survey, answers (drill-down) and the NPS / CSAT report. */
export function surveysRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const svc = ctx.services.surveys;
  return async (app) => {
    app.get('/survey-templates', { schema: { operationId: 'listSurveyTemplates', tags, response: { 200: z.array(ZSurveyTemplate) } } }, async (req) => svc.listTemplates(actorOf(req)));
    app.post(
      '/survey-templates',
      { schema: { operationId: 'createSurveyTemplate', tags, summary: 'A questionnaire of the store (group admins: group-wide without storeId)', querystring: z.object({ storeId: ZId.optional() }), body: ZSurveyTemplateInput, response: { 201: ZSurveyTemplate } } },
      async (req, reply) => reply.status(201).send(await svc.createTemplate(actorOf(req), req.query.storeId, req.body)),
    );
    app.get('/survey-templates/:id', { schema: { operationId: 'getSurveyTemplate', tags, params: ZIdParams, response: { 200: ZSurveyTemplate } } }, async (req) => svc.getTemplate(actorOf(req), req.params.id));
    app.put('/survey-templates/:id', { schema: { operationId: 'putSurveyTemplate', tags, params: ZIdParams, body: ZSurveyTemplateInput, response: { 200: ZSurveyTemplate } } }, async (req) =>
      svc.updateTemplate(actorOf(req), req.params.id, req.body),
    );
    app.post('/survey-invitations', { schema: { operationId: 'inviteToSurvey', tags, summary: 'Send one owner a survey link now (SMS through the consent gate)', body: ZSurveyInvite, response: { 201: ZSurveyInvitation } } }, async (req, reply) =>
      reply.status(201).send(await svc.invite(actorOf(req), req.body)),
    );
    app.get('/survey-responses', { schema: { operationId: 'listSurveyResponses', tags, summary: 'Answers behind a report cell (drill-down), newest first', querystring: ZResponsesQuery, response: { 200: z.array(ZSurveyResponse) } } }, async (req) => {
      const q = req.query;
      const from = day(q.from);
      const to = day(q.to, true);
      return svc.listResponses(actorOf(req), { ...q, from: from ? new Date(from) : undefined, to: to ? new Date(to) : undefined });
    });
    app.get('/surveys/nps', { schema: { operationId: 'npsReport', tags, summary: 'NPS and CSAT by store, advisor, consultant or touchpoint; trend with the NPS ≥ 40 target; verbatims', querystring: ZNpsQuery, response: { 200: ZNpsReport } } }, async (req) =>
      ctx.services.surveyReports.nps(actorOf(req), req.query),
    );
  };
}

/** The public survey (no login): the questionnaire behind a link and its one answer. Rate-limited per address. */
export function publicSurveyRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const svc = ctx.services.surveys;
  const rateLimit = { max: ctx.config.BAOKE_SURVEY_RATE_LIMIT, timeWindow: '1 minute', keyGenerator: (req: { ip: string }) => `survey:${req.ip}` };
  return async (app) => {
    app.get('/s/:token', { config: { public: true, rateLimit }, schema: { operationId: 'getPublicSurvey', tags, security: [], summary: 'The questionnaire behind a survey link (404 unknown, 410 used or expired)', params: ZToken, response: { 200: ZPublicSurvey } } }, async (req) =>
      svc.getPublic(req.params.token),
    );
    app.post(
      '/s/:token/answers',
      { config: { public: true, rateLimit }, schema: { operationId: 'answerSurvey', tags, security: [], summary: 'The one answer of a survey link; a detractor (NPS 0–6) opens a complaint or care task', params: ZToken, body: ZSurveyAnswerInput, response: { 201: ZSurveyAnswerResult } } },
      async (req, reply) => reply.status(201).send(await svc.answer(req.params.token, req.body.answers)),
    );
  };
}

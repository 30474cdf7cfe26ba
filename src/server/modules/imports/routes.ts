import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import fs from 'node:fs';
import { z } from 'zod';
import { ZId, zPage } from '../../../contracts/common.js';
import {
  ZImportJob,
  ZImportKind,
  ZImportListQuery,
  ZImportMappingPreset,
  ZImportMappingSave,
  ZImportPreview,
  ZImportPreviewBody,
  ZImportUpload,
} from '../../../contracts/imports.js';
import type { AppContext } from '../../context.js';
import { actorOf } from '../../platform/auth.js';
import { ValidationError } from '../../platform/errors.js';
import type { TUploadPart } from './service.js';

/** The multipart parts as the service reads them; fields may come before or after the file. */
async function* partsOf(req: FastifyRequest): AsyncGenerator<TUploadPart> {
  for await (const p of req.parts()) {
    if (p.type === 'file') yield { type: 'file', fileName: p.filename, stream: p.file };
    else yield { type: 'field', name: p.fieldname, value: p.value };
  }
}

const presetOut = (p: { id: string; kind: z.infer<typeof ZImportKind>; name: string; mapping: Record<string, string>; createdAt: Date; updatedAt: Date }) => ({
  id: p.id,
  kind: p.kind,
  name: p.name,
  mapping: p.mapping,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});

const params = z.object({ id: ZId });

export function importsRoutes(ctx: AppContext): FastifyPluginAsyncZod {
  const imports = ctx.services.imports;
  return async (app) => {
    app.post(
      '/imports',
      {
        schema: {
          operationId: 'uploadImport',
          tags: ['imports'],
          summary: 'Upload a DMS export (.xlsx/.csv) as multipart/form-data: `file`, `kind`, `storeId`',
          consumes: ['multipart/form-data'],
          response: { 201: ZImportUpload },
        },
      },
      async (req, reply) => {
        const actor = actorOf(req);
        if (!req.isMultipart()) throw new ValidationError('请以 multipart/form-data 上传文件 / Upload the file as multipart/form-data', [{ path: 'body', message: 'multipart expected' }]);
        return reply.status(201).send(await imports.upload(actor, partsOf(req)));
      },
    );

    app.get(
      '/imports',
      { schema: { operationId: 'listImports', tags: ['imports'], querystring: ZImportListQuery, response: { 200: zPage(ZImportJob) } } },
      async (req) => imports.list(actorOf(req), req.query),
    );

    app.get(
      '/imports/:id',
      { schema: { operationId: 'getImport', tags: ['imports'], summary: 'Status, progress and counts of an import', params, response: { 200: ZImportJob } } },
      async (req) => imports.get(actorOf(req), req.params.id),
    );

    app.post(
      '/imports/:id/preview',
      {
        schema: {
          operationId: 'previewImport',
          tags: ['imports'],
          summary: 'Dry run with a mapping: what would be created, updated, left unchanged or rejected (nothing is written)',
          params,
          body: ZImportPreviewBody,
          response: { 200: ZImportPreview },
        },
      },
      async (req) => imports.preview(actorOf(req), req.params.id, req.body),
    );

    app.post(
      '/imports/:id/run',
      {
        schema: {
          operationId: 'runImport',
          tags: ['imports'],
          summary: 'Queue the import (a background job); poll GET /imports/{id}. Accepts Idempotency-Key.',
          params,
          headers: z.looseObject({ 'idempotency-key': z.string().trim().min(1).max(200).optional() }),
          response: { 202: ZImportJob },
        },
      },
      async (req, reply) => reply.status(202).send(await imports.requestRun(actorOf(req), req.params.id, req.headers['idempotency-key'])),
    );

    app.get(
      '/imports/:id/errors',
      {
        schema: {
          operationId: 'downloadImportErrors',
          tags: ['imports'],
          summary: 'Rejected rows as CSV (UTF-8 with BOM): 行号, 原因, then the original columns',
          params,
          response: { 200: z.unknown().describe('text/csv; charset=utf-8 (a download)') },
        },
      },
      async (req, reply) => {
        const file = await imports.errorFile(actorOf(req), req.params.id);
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="import-errors.csv"; filename*=UTF-8''${encodeURIComponent(file.downloadName)}`)
          .send(fs.createReadStream(file.path));
      },
    );

    app.get(
      '/import-mappings',
      {
        schema: {
          operationId: 'listImportMappings',
          tags: ['imports'],
          querystring: z.object({ kind: ZImportKind.optional() }),
          response: { 200: z.object({ items: z.array(ZImportMappingPreset) }) },
        },
      },
      async (req) => ({ items: (await imports.listMappings(actorOf(req), req.query.kind)).map(presetOut) }),
    );

    app.post(
      '/import-mappings',
      {
        schema: {
          operationId: 'saveImportMapping',
          tags: ['imports'],
          summary: 'Save a named mapping of a kind (an existing name is replaced)',
          body: ZImportMappingSave,
          response: { 200: ZImportMappingPreset, 201: ZImportMappingPreset },
        },
      },
      async (req, reply) => {
        const r = await imports.saveMapping(actorOf(req), req.body);
        return reply.status(r.created ? 201 : 200).send(presetOut(r.preset));
      },
    );
  };
}

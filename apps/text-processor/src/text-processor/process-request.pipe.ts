import { BadRequestException, Injectable, type PipeTransform } from '@nestjs/common';
import type { TextRequest } from '../llm/llm-client.interface';
import { validateProcessRequest } from './process-request.validator';

/** Turns a `POST /process` body into a TextRequest, or a 400 that says what is wrong. */
@Injectable()
export class ProcessRequestPipe implements PipeTransform<unknown, TextRequest> {
  transform(body: unknown): TextRequest {
    const validation = validateProcessRequest(body);
    if (!validation.ok) throw new BadRequestException(validation.message);
    return validation.request;
  }
}

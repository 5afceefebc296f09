import { Module } from '@nestjs/common';
import { LlmModule } from '../llm/llm.module';
import { TextProcessorController } from './text-processor.controller';
import { TextProcessorService } from './text-processor.service';

/** POST /process and GET /operations. Needs the (global) CacheModule to be imported by the app. */
@Module({
  imports: [LlmModule],
  controllers: [TextProcessorController],
  providers: [TextProcessorService],
})
export class TextProcessorModule {}

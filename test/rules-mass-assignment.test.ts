/**
 * mass-assignment: a NestJS body DTO validated without `whitelist`, handed on whole, is reported;
 * whitelisted pipes and field-by-field handlers are not.
 */
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { analyzeMemory, findingLines } from './helpers';

const dto = `import { IsEmail, IsString } from 'class-validator';
export class CreateUserDto {
  @IsEmail() email: string;
  @IsString() name: string;
}
`;

function app(pipe: string, handler: string, method = 'Post'): Record<string, string> {
  return {
    'package.json': '{"dependencies":{"@nestjs/common":"^10.0.0","@nestjs/core":"^10.0.0"}}',
    'src/main.ts': `import { NestFactory } from '@nestjs/core';
import { ValidationPipe } from '@nestjs/common';
import { AppModule } from './app.module';
async function bootstrap() {
  const app = await NestFactory.create(AppModule);
  app.useGlobalPipes(${pipe});
  await app.listen(3000);
}
bootstrap();
`,
    'src/app.module.ts': `import { Module } from '@nestjs/common';
import { UsersController } from './users.controller';
@Module({ controllers: [UsersController] })
export class AppModule {}
`,
    'src/create-user.dto.ts': dto,
    'src/users.controller.ts': `import { Body, Controller, ${method}, UseGuards } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import { CreateUserDto } from './create-user.dto';
import { repo } from './repo';
@UseGuards(AuthGuard('jwt'))
@Controller('users')
export class UsersController {
  @${method}()
  create(@Body() dto: CreateUserDto) {
    ${handler}
  }
}
`,
  };
}

const rule = ['mass-assignment'];

describe('mass-assignment', () => {
  it('reports a body validated without whitelist and saved whole, with the pipe and the hand-off as evidence', () => {
    const r = analyzeMemory(app('new ValidationPipe({ transform: true })', 'return repo.save(dto);'));
    const lines = findingLines(r, rule);
    assert.equal(lines.length, 1, JSON.stringify(findingLines(r)));
    assert.match(lines[0], /^src\/users\.controller\.ts:8:\d+ mass-assignment warning POST \/users validates its body with .*ValidationPipe without whitelist: properties CreateUserDto does not declare reach the handler.* hands the whole body on at src\/users\.controller\.ts:10/);
    const f = r.findings.find((x) => x.ruleId === 'mass-assignment')!;
    assert.ok(f.evidence.some((e) => e.location?.file.endsWith('main.ts') || /ValidationPipe/.test(e.message)));
    assert.ok(f.evidence.some((e) => e.message === 'the whole body is handed on here' && e.location!.start.line === 10));
  });

  it('spreads and Object.assign count as handing the whole body on', () => {
    assert.equal(findingLines(analyzeMemory(app('new ValidationPipe()', 'return repo.insert({ ...dto, createdBy: 1 });')), rule).length, 1);
    assert.equal(findingLines(analyzeMemory(app('new ValidationPipe()', 'const u = {}; Object.assign(u, dto); return u;', 'Put')), rule).length, 1);
  });

  it('is silent with whitelist: true', () => {
    assert.deepEqual(findingLines(analyzeMemory(app('new ValidationPipe({ whitelist: true })', 'return repo.save(dto);')), rule), []);
  });

  it('is silent when the handler copies chosen fields', () => {
    assert.deepEqual(findingLines(analyzeMemory(app('new ValidationPipe()', 'return repo.save({ email: dto.email, name: dto.name });')), rule), []);
  });

  it('is silent on reads (GET) even with the whole query DTO handed on', () => {
    const files = app('new ValidationPipe()', 'return repo.find(dto);', 'Get');
    assert.deepEqual(findingLines(analyzeMemory(files), rule), []);
  });
});

/* The algorithm sequence of takagi phase (docs/phase.md, "Algorithm sequence"):

     seq  := term { '+' term }
     term := [ COUNT [ '*' ] ] ( NAME | '(' seq ')' )
     NAME := ER | HIO | RAAR | SW       (any case; spaces ignored)

   "3*(20ER+180HIO)+20ER" (the 34-ID-C recipe; cohere writes "3*(20*ER+180*HIO)+20*ER", which is accepted too) is
   20 ER, 180 HIO, three times, then 20 ER: 620 iterations. A bare NAME is one iteration. SW is one shrink-wrap of
   the support at that point (no iteration, no count): "3*(20ER+SW+180HIO+SW)+20ER". */
#include "phasing_impl.h"
#include <ctype.h>
#include <strings.h>

typedef struct {
  const char  *text, *p;
  TkPhaseStep *steps;
  PetscInt     n, cap;
  char         err[256];
} Parser;

static void SkipSpace(Parser *ps)
{
  while (*ps->p && isspace((unsigned char)*ps->p)) ps->p++;
}

static PetscErrorCode Push(Parser *ps, TkPhaseAlgorithm a, PetscInt count)
{
  PetscFunctionBegin;
  if (ps->n == ps->cap) {
    TkPhaseStep *s;
    ps->cap = ps->cap ? 2 * ps->cap : 16;
    PetscCall(PetscMalloc1(ps->cap, &s));
    if (ps->n) PetscCall(PetscArraycpy(s, ps->steps, ps->n));
    PetscCall(PetscFree(ps->steps));
    ps->steps = s;
  }
  ps->steps[ps->n].alg   = a;
  ps->steps[ps->n].count = count;
  ps->n++;
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseSeq(Parser *ps, int depth);

static PetscErrorCode ParseTerm(Parser *ps, int depth)
{
  long long count      = 1;
  PetscBool have_count = PETSC_FALSE;

  PetscFunctionBegin;
  SkipSpace(ps);
  if (isdigit((unsigned char)*ps->p)) {
    count = 0;
    while (isdigit((unsigned char)*ps->p) && count < 100000000) count = 10 * count + (*ps->p++ - '0');
    have_count = PETSC_TRUE;
    SkipSpace(ps);
    if (*ps->p == '*') ps->p++, SkipSpace(ps);
  }
  if (have_count && (count < 1 || count > 10000000)) {
    PetscCall(PetscSNPrintf(ps->err, sizeof(ps->err), "count %lld at position %d must lie between 1 and 10000000", count, (int)(ps->p - ps->text) + 1));
    PetscFunctionReturn(0);
  }
  if (*ps->p == '(') {
    const PetscInt first = ps->n;
    ps->p++;
    if (depth > 16) {
      PetscCall(PetscSNPrintf(ps->err, sizeof(ps->err), "parentheses nested too deep"));
      PetscFunctionReturn(0);
    }
    PetscCall(ParseSeq(ps, depth + 1));
    if (ps->err[0]) PetscFunctionReturn(0);
    SkipSpace(ps);
    if (*ps->p != ')') {
      PetscCall(PetscSNPrintf(ps->err, sizeof(ps->err), "expected ')' at position %d", (int)(ps->p - ps->text) + 1));
      PetscFunctionReturn(0);
    }
    ps->p++;
    { /* repeat the group's steps count - 1 more times */
      const PetscInt last  = ps->n;
      PetscInt       total = 0;
      for (PetscInt i = first; i < last; i++) total += ps->steps[i].count;
      if ((double)total * (double)count > 1e7) {
        PetscCall(PetscSNPrintf(ps->err, sizeof(ps->err), "more than 10000000 iterations"));
        PetscFunctionReturn(0);
      }
      for (long long r = 1; r < count; r++)
        for (PetscInt i = first; i < last; i++) PetscCall(Push(ps, ps->steps[i].alg, ps->steps[i].count));
    }
    PetscFunctionReturn(0);
  }
  {
    static const struct {
      const char      *name;
      TkPhaseAlgorithm a;
    } names[] = {{"RAAR", TK_PHASE_RAAR}, {"HIO", TK_PHASE_HIO}, {"ER", TK_PHASE_ER}, {"SW", TK_PHASE_SW}};
    for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++) {
      size_t len = strlen(names[k].name);
      if (!strncasecmp(ps->p, names[k].name, len) && !isalnum((unsigned char)ps->p[len])) {
        if (names[k].a == TK_PHASE_SW && have_count) {
          PetscCall(PetscSNPrintf(ps->err, sizeof(ps->err), "SW (one shrink-wrap) at position %d takes no count", (int)(ps->p - ps->text) + 1));
          PetscFunctionReturn(0);
        }
        ps->p += len;
        PetscCall(Push(ps, names[k].a, (PetscInt)count));
        PetscFunctionReturn(0);
      }
    }
  }
  PetscCall(PetscSNPrintf(ps->err, sizeof(ps->err), "expected ER, HIO, RAAR, SW or '(' at position %d", (int)(ps->p - ps->text) + 1));
  PetscFunctionReturn(0);
}

static PetscErrorCode ParseSeq(Parser *ps, int depth)
{
  PetscFunctionBegin;
  PetscCall(ParseTerm(ps, depth));
  for (;;) {
    if (ps->err[0]) PetscFunctionReturn(0);
    SkipSpace(ps);
    if (*ps->p != '+') break;
    ps->p++;
    PetscCall(ParseTerm(ps, depth));
  }
  PetscFunctionReturn(0);
}

PetscErrorCode TkPhaseSequenceParse(MPI_Comm comm, const char text[], TkPhaseStep **steps, PetscInt *nsteps, PetscInt *niter)
{
  Parser ps;

  PetscFunctionBegin;
  PetscCall(PetscMemzero(&ps, sizeof(ps)));
  ps.text = ps.p = text;
  PetscCall(ParseSeq(&ps, 0));
  SkipSpace(&ps);
  if (!ps.err[0] && *ps.p) PetscCall(PetscSNPrintf(ps.err, sizeof(ps.err), "unexpected '%c' at position %d", *ps.p, (int)(ps.p - ps.text) + 1));
  if (ps.err[0]) PetscCall(PetscFree(ps.steps));
  PetscCheck(!ps.err[0], comm, PETSC_ERR_USER_INPUT, "-algorithm '%s': %s; write e.g. 3*(20ER+180HIO)+20ER", text, ps.err);
  { /* merge neighbours of one algorithm */
    PetscInt m = 0;
    for (PetscInt i = 0; i < ps.n; i++) {
      if (m && ps.steps[m - 1].alg == ps.steps[i].alg)
        ps.steps[m - 1].count += ps.steps[i].count;
      else
        ps.steps[m++] = ps.steps[i];
    }
    ps.n = m;
  }
  *steps  = ps.steps;
  *nsteps = ps.n;
  *niter  = 0;
  for (PetscInt i = 0; i < ps.n; i++) *niter += ps.steps[i].alg == TK_PHASE_SW ? 0 : ps.steps[i].count;
  if (ps.n && *niter == 0) PetscCall(PetscFree(ps.steps));
  PetscCheck(*niter > 0, comm, PETSC_ERR_USER_INPUT, "-algorithm '%s' has no iteration (SW alone only shrink-wraps); add ER, HIO or RAAR", text);
  PetscCheck(*niter <= 10000000, comm, PETSC_ERR_USER_INPUT, "-algorithm '%s': more than 10000000 iterations", text);
  PetscFunctionReturn(0);
}

const char *TkPhaseAlgorithmName(TkPhaseAlgorithm a) { return a == TK_PHASE_ER ? "ER" : a == TK_PHASE_HIO ? "HIO" : a == TK_PHASE_RAAR ? "RAAR" : "SW"; }

PetscBool TkPhaseSequenceHasShrinkWrap(const TkPhaseStep *steps, PetscInt n)
{
  for (PetscInt i = 0; i < n; i++)
    if (steps[i].alg == TK_PHASE_SW) return PETSC_TRUE;
  return PETSC_FALSE;
}

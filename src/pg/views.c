/*
 * views.c — glue for the managed views (sql/install/60_views_catalog.sql):
 * safety.check_expression(expr), which proves that a user's filter text is
 * one SQL expression and nothing else, by raw parsing only.  The generated
 * view SQL embeds the filter as "(" expr ")", so this is what keeps
 * "'; DROP TABLE x; --" from becoming a statement of its own.
 */
#include "safety_pg.h"

#include "nodes/parsenodes.h"
#include "parser/parser.h"
#include "utils/builtins.h"

static void
check_expression_fail(const char *why)
{
	ereport(ERROR, (errcode(ERRCODE_SYNTAX_ERROR),
					errmsg("safety.check_expression: expr is not a single SQL expression: %s", why),
					errhint("Give a boolean expression over the source's columns, such as offense = 'BURGLARY', without ';' or clauses.")));
}

PG_FUNCTION_INFO_V1(safety_check_expression);
Datum
safety_check_expression(PG_FUNCTION_ARGS)
{
	text	   *expr = PG_GETARG_TEXT_PP(0);
	StringInfoData sql;
	List	   *stmts;
	RawStmt    *raw;
	SelectStmt *sel;

	/*
	 * "SELECT (" expr newline ")": the newline ends a trailing "--" comment,
	 * so it cannot swallow the closing parenthesis.  Raw parsing runs no
	 * code and looks up no names.
	 */
	initStringInfo(&sql);
	appendStringInfoString(&sql, "SELECT (");
	appendBinaryStringInfo(&sql, VARDATA_ANY(expr), VARSIZE_ANY_EXHDR(expr));
	appendStringInfoString(&sql, "\n)");
	if (memchr(VARDATA_ANY(expr), '\0', VARSIZE_ANY_EXHDR(expr)) != NULL)
		check_expression_fail("it contains a zero byte");

	stmts = raw_parser(sql.data, RAW_PARSE_DEFAULT);
	if (list_length(stmts) != 1)
		check_expression_fail("it contains more than one statement");
	raw = linitial_node(RawStmt, stmts);
	if (!IsA(raw->stmt, SelectStmt))
		check_expression_fail("it is not an expression");
	sel = (SelectStmt *) raw->stmt;
	if (sel->op != SETOP_NONE || sel->valuesLists != NIL || sel->withClause != NULL)
		check_expression_fail("it combines queries");
	if (list_length(sel->targetList) != 1)
		check_expression_fail("it is a list of expressions");
	if (sel->distinctClause != NIL || sel->intoClause != NULL || sel->fromClause != NIL ||
		sel->whereClause != NULL || sel->groupClause != NIL || sel->havingClause != NULL ||
		sel->windowClause != NIL || sel->sortClause != NIL || sel->limitOffset != NULL ||
		sel->limitCount != NULL || sel->lockingClause != NIL)
		check_expression_fail("it carries query clauses (FROM, WHERE, ORDER BY, LIMIT, ...)");
	if (((ResTarget *) linitial(sel->targetList))->name != NULL)
		check_expression_fail("it names its result (AS)");
	PG_RETURN_BOOL(true);
}

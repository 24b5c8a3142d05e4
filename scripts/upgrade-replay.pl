#!/usr/bin/perl
# Prints, from the install SQL files given, every function, procedure and
# aggregate as CREATE OR REPLACE, with its COMMENT: the part of an upgrade
# script that makes an upgraded database define them as a fresh install does.
# Statements are split at semicolons outside quotes, dollar quotes, comments
# and BEGIN ATOMIC bodies.
use strict;
use warnings;

sub statements {
	my ($text) = @_;
	my @out;
	my $start = 0;
	my $n = length $text;
	my $i = 0;
	my $atomic = 0;    # inside BEGIN ATOMIC ... END, semicolons end inner statements
	while ($i < $n) {
		my $rest = substr($text, $i);
		if ($rest =~ /^--[^\n]*/) { $i += length $&; next; }
		if ($rest =~ /^\/\*.*?\*\//s) { $i += length $&; next; }
		if ($rest =~ /^'(?:[^']|'')*'/) { $i += length $&; next; }
		if ($rest =~ /^"[^"]*"/) { $i += length $&; next; }
		if ($rest =~ /^(\$[A-Za-z_]*\$)/) {
			my $tag = $1;
			my $end = index($text, $tag, $i + length $tag);
			die "unterminated $tag\n" if $end < 0;
			$i = $end + length $tag;
			next;
		}
		if ($rest =~ /^BEGIN\s+ATOMIC\b/i) { $atomic = 1; $i += length $&; next; }
		if ($atomic && $rest =~ /^END\s*;/i) { $atomic = 0; $i += length($&) - 1; }
		if (substr($text, $i, 1) eq ';' && !$atomic) {
			push @out, substr($text, $start, $i + 1 - $start);
			$start = $i + 1;
		}
		$i++;
	}
	return @out;
}

my @keep;
for my $file (@ARGV) {
	open my $fh, '<', $file or die "$file: $!\n";
	local $/;
	my $text = <$fh>;
	close $fh;
	for my $s (statements($text)) {
		# leading comments and blank lines belong to the file, not the statement
		$s =~ s/^(?:\s*--[^\n]*\n|\s*\n)*//;
		$s =~ s/^\s+//;
		if ($s =~ /^CREATE\s+(FUNCTION|PROCEDURE|AGGREGATE)\b/) {
			$s =~ s/^CREATE\s+/CREATE OR REPLACE /;
			push @keep, $s;
		} elsif ($s =~ /^COMMENT\s+ON\s+(FUNCTION|PROCEDURE|AGGREGATE)\b/) {
			push @keep, $s;
		}
	}
}
print "$_\n\n" for @keep;

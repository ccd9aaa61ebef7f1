/* 21: identical code bytes but a changed string literal (same length, same offset) -> changed */
#include "kernel.h"

const char *greeting(int formal)
{
	return formal ? "good morning" : "hello";
}

const char *farewell(int formal)
{
	return formal ? "goodbye" : "bye";
}

//! Shell arithmetic (`$((...))`, `((...))`, `for ((...))`): bash's integer operators and
//! precedence, variables read and assigned by name.

use std::collections::BTreeMap;

#[derive(Debug, Clone)]
enum Expr {
    Num(i64),
    Var(String),
    Unary(&'static str, Box<Expr>),
    /// `++x` / `--x` (pre) or `x++` / `x--` (post), by delta.
    Step {
        name: String,
        delta: i64,
        post: bool,
    },
    Binary(&'static str, Box<Expr>, Box<Expr>),
    Assign(String, Option<&'static str>, Box<Expr>),
    Cond(Box<Expr>, Box<Expr>, Box<Expr>),
}

const BINARY: &[(&str, u8)] = &[
    (",", 1),
    ("||", 4),
    ("&&", 5),
    ("|", 6),
    ("^", 7),
    ("&", 8),
    ("==", 9),
    ("!=", 9),
    ("<=", 10),
    (">=", 10),
    ("<", 10),
    (">", 10),
    ("<<", 11),
    (">>", 11),
    ("+", 12),
    ("-", 12),
    ("*", 13),
    ("/", 13),
    ("%", 13),
    ("**", 14),
];

const ASSIGN: &[&str] = &[
    "<<=", ">>=", "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "=",
];

/// Evaluates `text`; variables come from and go to `vars`. Errors are bash's message
/// after `bash: `.
pub fn eval(text: &str, vars: &mut BTreeMap<String, String>) -> Result<i64, String> {
    eval_depth(text, vars, 0)
}

fn eval_depth(
    text: &str,
    vars: &mut BTreeMap<String, String>,
    depth: usize,
) -> Result<i64, String> {
    if text.trim().is_empty() {
        return Ok(0);
    }
    let mut p = Parser {
        text,
        chars: text.chars().collect(),
        pos: 0,
        depth: 0,
    };
    let e = p.expr(0)?;
    p.blank();
    if p.pos < p.chars.len() {
        let rest: String = p.chars[p.pos..].iter().collect();
        return Err(format!(
            "{}: syntax error in expression (error token is \"{rest}\")",
            text.trim()
        ));
    }
    Eval { vars, text, depth }.run(&e)
}

struct Parser<'a> {
    text: &'a str,
    chars: Vec<char>,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn blank(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn at(&self, s: &str) -> bool {
        s.chars()
            .enumerate()
            .all(|(i, c)| self.chars.get(self.pos + i) == Some(&c))
    }

    fn error(&self, what: &str) -> String {
        let rest: String = self.chars[self.pos.min(self.chars.len())..]
            .iter()
            .collect();
        let token = if rest.is_empty() {
            self.text.trim().to_string()
        } else {
            rest
        };
        format!(
            "{}: syntax error: {what} (error token is \"{token}\")",
            self.text.trim()
        )
    }

    fn expr(&mut self, min: u8) -> Result<Expr, String> {
        self.depth += 1;
        if self.depth > 200 {
            return Err(self.error("expression nested too deeply"));
        }
        let mut left = self.unary()?;
        loop {
            self.blank();
            if min <= 2 {
                if let Expr::Var(name) = &left {
                    if let Some(op) = ASSIGN.iter().find(|op| self.at(op) && !self.at("==")) {
                        self.pos += op.len();
                        let right = self.expr(2)?;
                        let op_kind = op.strip_suffix('=').filter(|o| !o.is_empty());
                        left = Expr::Assign(name.clone(), op_kind, Box::new(right));
                        continue;
                    }
                }
            }
            if min <= 3 && self.at("?") {
                self.pos += 1;
                let yes = self.expr(1)?;
                self.blank();
                if !self.at(":") {
                    return Err(self.error("`:' expected for conditional expression"));
                }
                self.pos += 1;
                let no = self.expr(3)?;
                left = Expr::Cond(Box::new(left), Box::new(yes), Box::new(no));
                continue;
            }
            let Some((op, prec)) = BINARY
                .iter()
                .filter(|(op, _)| self.at(op))
                .max_by_key(|(op, _)| op.len())
                .copied()
            else {
                break;
            };
            // `a = b` and `a += b` are assignments, not comparisons or sums.
            if ASSIGN.iter().any(|a| self.at(a))
                && !self.at("==")
                && !self.at("!=")
                && !self.at("<=")
                && !self.at(">=")
            {
                break;
            }
            if prec < min {
                break;
            }
            self.pos += op.len();
            let next = if op == "**" { prec } else { prec + 1 };
            let right = self.expr(next)?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
        self.depth -= 1;
        Ok(left)
    }

    fn unary(&mut self) -> Result<Expr, String> {
        self.blank();
        for op in ["++", "--"] {
            if self.at(op) {
                self.pos += 2;
                self.blank();
                let name = self.name().ok_or_else(|| self.error("operand expected"))?;
                return Ok(Expr::Step {
                    name,
                    delta: if op == "++" { 1 } else { -1 },
                    post: false,
                });
            }
        }
        for op in ["!", "~", "-", "+"] {
            if self.at(op) {
                self.pos += 1;
                let inner = self.unary()?;
                return Ok(Expr::Unary(op, Box::new(inner)));
            }
        }
        let e = self.primary()?;
        self.blank();
        if let Expr::Var(name) = &e {
            for op in ["++", "--"] {
                if self.at(op) {
                    self.pos += 2;
                    return Ok(Expr::Step {
                        name: name.clone(),
                        delta: if op == "++" { 1 } else { -1 },
                        post: true,
                    });
                }
            }
        }
        Ok(e)
    }

    fn name(&mut self) -> Option<String> {
        let start = self.pos;
        if !self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == '_')
        {
            return None;
        }
        while self
            .chars
            .get(self.pos)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '_')
        {
            self.pos += 1;
        }
        Some(self.chars[start..self.pos].iter().collect())
    }

    fn primary(&mut self) -> Result<Expr, String> {
        self.blank();
        match self.chars.get(self.pos) {
            Some('(') => {
                self.pos += 1;
                let e = self.expr(0)?;
                self.blank();
                if !self.at(")") {
                    return Err(self.error("missing `)'"));
                }
                self.pos += 1;
                Ok(e)
            }
            Some(c) if c.is_ascii_digit() => {
                let start = self.pos;
                while self
                    .chars
                    .get(self.pos)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || *c == '#' || *c == '_')
                {
                    self.pos += 1;
                }
                let lit: String = self.chars[start..self.pos].iter().collect();
                number(&lit).map(Expr::Num).ok_or_else(|| {
                    format!("{lit}: value too great for base (error token is \"{lit}\")")
                })
            }
            Some(_) => match self.name() {
                Some(n) => Ok(Expr::Var(n)),
                None => Err(self.error("operand expected")),
            },
            None => Err(self.error("operand expected")),
        }
    }
}

/// An integer literal: decimal, `0x` hex, `0` octal or `base#digits`.
fn number(lit: &str) -> Option<i64> {
    if let Some((base, digits)) = lit.split_once('#') {
        let base: u32 = base.parse().ok().filter(|b| (2..=36).contains(b))?;
        return i64::from_str_radix(digits, base).ok();
    }
    if let Some(hex) = lit.strip_prefix("0x").or_else(|| lit.strip_prefix("0X")) {
        return i64::from_str_radix(hex, 16).ok();
    }
    if lit.len() > 1 && lit.starts_with('0') {
        return i64::from_str_radix(&lit[1..], 8).ok();
    }
    lit.parse().ok()
}

struct Eval<'a> {
    vars: &'a mut BTreeMap<String, String>,
    text: &'a str,
    depth: usize,
}

impl Eval<'_> {
    fn var(&mut self, name: &str) -> Result<i64, String> {
        let value = self.vars.get(name).cloned().unwrap_or_default();
        let v = value.trim();
        if v.is_empty() {
            return Ok(0);
        }
        if let Some(n) = number(v) {
            return Ok(n);
        }
        if self.depth > 20 {
            return Err(format!("{name}: expression recursion level exceeded"));
        }
        eval_depth(v, self.vars, self.depth + 1)
    }

    fn set(&mut self, name: &str, v: i64) {
        self.vars.insert(name.to_string(), v.to_string());
    }

    fn run(&mut self, e: &Expr) -> Result<i64, String> {
        Ok(match e {
            Expr::Num(n) => *n,
            Expr::Var(name) => self.var(name)?,
            Expr::Unary(op, inner) => {
                let v = self.run(inner)?;
                match *op {
                    "!" => i64::from(v == 0),
                    "~" => !v,
                    "-" => v.wrapping_neg(),
                    _ => v,
                }
            }
            Expr::Step { name, delta, post } => {
                let old = self.var(name)?;
                let new = old.wrapping_add(*delta);
                self.set(name, new);
                if *post {
                    old
                } else {
                    new
                }
            }
            Expr::Assign(name, op, right) => {
                let r = self.run(right)?;
                let v = match op {
                    None => r,
                    Some(op) => {
                        let l = self.var(name)?;
                        self.binary(op, l, r)?
                    }
                };
                self.set(name, v);
                v
            }
            Expr::Cond(c, yes, no) => {
                if self.run(c)? != 0 {
                    self.run(yes)?
                } else {
                    self.run(no)?
                }
            }
            Expr::Binary("&&", l, r) => i64::from(self.run(l)? != 0 && self.run(r)? != 0),
            Expr::Binary("||", l, r) => i64::from(self.run(l)? != 0 || self.run(r)? != 0),
            Expr::Binary(",", l, r) => {
                self.run(l)?;
                self.run(r)?
            }
            Expr::Binary(op, l, r) => {
                let l = self.run(l)?;
                let r = self.run(r)?;
                self.binary(op, l, r)?
            }
        })
    }

    fn binary(&self, op: &str, l: i64, r: i64) -> Result<i64, String> {
        let div_zero = || {
            format!(
                "{}: division by 0 (error token is \"{}\")",
                self.text.trim(),
                self.text.rsplit(['/', '%']).next().unwrap_or("").trim()
            )
        };
        Ok(match op {
            "+" => l.wrapping_add(r),
            "-" => l.wrapping_sub(r),
            "*" => l.wrapping_mul(r),
            "/" => l.checked_div(r).ok_or_else(div_zero)?,
            "%" => l.checked_rem(r).ok_or_else(div_zero)?,
            "**" => {
                if r < 0 {
                    return Err(format!(
                        "{}: exponent less than 0 (error token is \"{r}\")",
                        self.text.trim()
                    ));
                }
                l.wrapping_pow(u32::try_from(r).unwrap_or(u32::MAX))
            }
            "<<" => l.wrapping_shl(u32::try_from(r & 63).unwrap_or(0)),
            ">>" => l.wrapping_shr(u32::try_from(r & 63).unwrap_or(0)),
            "&" => l & r,
            "|" => l | r,
            "^" => l ^ r,
            "==" => i64::from(l == r),
            "!=" => i64::from(l != r),
            "<" => i64::from(l < r),
            ">" => i64::from(l > r),
            "<=" => i64::from(l <= r),
            ">=" => i64::from(l >= r),
            _ => 0,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operators_precedence_and_assignment() {
        let mut vars = BTreeMap::new();
        vars.insert("x".to_string(), "4".to_string());
        let cases = [
            ("1+2*3", 7),
            ("(1+2)*3", 9),
            ("2**3**2", 512),
            ("7/2", 3),
            ("-7%3", -1),
            ("x*2", 8),
            ("x > 3 && x < 5", 1),
            ("!0", 1),
            ("x++", 4),
            ("x", 5),
            ("++x", 6),
            ("x += 4", 10),
            ("y = x - 1, y", 9),
            ("x == 10 ? 1 : 2", 1),
            ("0x10 + 010 + 2#101", 29),
            ("unset_var + 1", 1),
        ];
        for (text, want) in cases {
            assert_eq!(eval(text, &mut vars), Ok(want), "{text}");
        }
        assert_eq!(
            eval("1/0", &mut vars),
            Err("1/0: division by 0 (error token is \"0\")".to_string())
        );
        assert!(eval("1 +", &mut vars).is_err());
        assert!(eval(&"(".repeat(500), &mut vars).is_err());
    }
}

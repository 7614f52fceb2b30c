import collections,sys
d=collections.defaultdict(list)
for l in open(sys.argv[1]):
    c,r,k,f=l.split(); d[(k,c)].append(float(f))
ks=sorted(set(k for k,c in d)); cs=list(dict.fromkeys(c for l in open(sys.argv[1]) for c in [l.split()[0]]))
print('%-24s'%'kernel', *['%-11s'%c for c in cs])
for k in ks: print('%-24s'%k, *['%-11s'%'/'.join('%.0f'%(100*x) for x in d[(k,c)]) for c in cs])
